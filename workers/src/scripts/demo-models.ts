// `npm run demo:models -w @threadline/workers` (run by `npm start`): gives the demo plant a working
// model lifecycle once. It plays three periods of the simulator's scenario for LEJ-L1's spindles
// into the past (readings every 10 s, with the alarms and bearing failures they cause; up to now,
// and the last quarter hour for the other spindles, so live scoring starts at once), trains the
// spindle failure-risk model on them, signs and registers it, names it champion and deploys it to
// `cloud-inference` (every CNC in its use case's rolled-out wave scope, scored live from the simulator's data) and to the `lej-edge-01`
// gateway (for edge bundles), the cloud deployment first scoring the span the model held out (a
// backfill: the insights before that span's failure, their MTTI and value are there from the first
// minute); then trains an MLP candidate and runs it as an A/B challenger on a fifth of the
// spindles, and adds a KPI for the detector's value computed from its confusion matrix.
// A no-op when the model exists.
import pino from 'pino';
import { rawSqlOf } from '@threadline/db/sql';
import { signingKeyFromPem, signingKeyPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { CHAMPION_ALIAS, startExperiment } from '@threadline/db/models/experiments';
import { moveAlias, publishSigningKey } from '@threadline/db/models/registry';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { adapterOrganization } from '@threadline/db/plant/organizations';
import { addDetectorValueKpi, createDemoModel, demoModelContext, demoModelExists, demoTrainingRun } from '@threadline/db/seed/demo-model-records';
import { inTransaction } from '@threadline/db/sql';
import { readWorkersConfig } from '../config.ts';
import { runModelTraining } from '../processors/model-training.ts';
import { runBacktest } from '../processors/model-backtest.ts';
import { requestBacktest } from '@threadline/db/models/backtests';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario, SCENARIO_PERIOD_MS } from '../simulator/scenario.ts';
import { systemClock } from '@threadline/db/clock';

const SIMULATOR_SEED = Number(process.env.SIMULATOR_SEED ?? 20261123);

const config = readWorkersConfig();
const log = pino({ name: 'threadline-demo-models', level: config.LOG_LEVEL });
const pool = createPool({ url: config.db.DATABASE_URL, role: config.db.DATABASE_APP_ROLE, poolSize: 4 });
const system = { kind: 'SYSTEM' as const, id: null, label: 'demo:models' };
try {
  const org = await adapterOrganization(pool, config.PLANT_ORGANIZATION);
  if (await demoModelExists(pool, org)) {
    log.info('the demo model is already there');
  } else {
    const key = signingKeyFromPem(signingKeyPem(config.MODEL_SIGNING_KEY, config.THREADLINE_KEY_DIR, 'model'));
    await publishSigningKey(rawSqlOf(pool), key, !config.MODEL_SIGNING_KEY);
    const P = SCENARIO_PERIOD_MS;
    const to = Math.floor(systemClock.nowMs() / P) * P;
    const from = to - 3 * P;
    const spindles = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
    const history = {
      ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
      events: new EventIngest(pool),
      organizationId: org,
      scenario: new Scenario(SIMULATOR_SEED),
      stepMs: 10_000,
    };
    log.info({ from: new Date(from), to: new Date(to) }, "playing the scenario's history for training");
    // LEJ-L1's spindles up to now, the others for the last window, so live scoring starts at once.
    const now = systemClock.nowMs();
    const played = await backfillScenario({ ...history, signals: spindles.filter((s) => s.assetCode.startsWith('LEJ-L1-')), from, to: now });
    await backfillScenario({ ...history, signals: spindles.filter((s) => !s.assetCode.startsWith('LEJ-L1-')), from: now - 15 * 60_000, to: now });
    const ids = await demoModelContext(pool, org);
    const modelId = await createDemoModel(pool, org, ids);
    // The use case values the model before it is trained, so its threshold is set by those prices.
    await addDetectorValueKpi(pool, org, modelId, ids);
    const train = async (family: string, baseVersionId: string | null) => {
      const runId = await demoTrainingRun(pool, org, modelId, {
        baseVersionId,
        from: new Date(from),
        to: new Date(to),
        params: { family },
        requestedById: ids.ownerId,
      });
      return runModelTraining(
        { pool, signingKey: key, trustedKeys: trustedKeySet(key, config.MODEL_TRUSTED_KEYS) },
        { organizationId: org, trainingRunId: runId },
        true,
      );
    };
    const trained = await train('LOGISTIC', null);
    // The champion backtested over the span it held out (the last 30 % of its window), as the models page shows it.
    const backtestId = await requestBacktest(
      rawSqlOf(pool),
      { organizationId: org, versionId: trained.versionId!, datasetId: null, from: new Date(to - 0.3 * (to - from)), to: new Date(to) },
      system,
    );
    await runBacktest({ pool, trustedKeys: trustedKeySet(key, config.MODEL_TRUSTED_KEYS) }, { organizationId: org, backtestId }, true);
    const cloud = await inTransaction(pool, async (db) => {
      await moveAlias(db, org, modelId, CHAMPION_ALIAS, trained.versionId!, system);
      await createDeployment(
        db,
        {
          organizationId: org,
          modelId,
          versionId: null,
          alias: CHAMPION_ALIAS,
          edgeTargetId: ids.edgeTargetId,
          assetId: null,
          mode: 'CHAMPION',
          trafficShare: 1,
        },
        system,
      );
      // The cloud deployment scores the span the champion held out as a backfill, so the portal opens
      // with the insights that preceded that span's failure, their MTTI and the value they realised.
      return createDeployment(
        db,
        {
          organizationId: org,
          modelId,
          versionId: null,
          alias: CHAMPION_ALIAS,
          edgeTargetId: ids.cloudTargetId,
          assetId: null,
          mode: 'CHAMPION',
          trafficShare: 1,
          scoreFrom: new Date(to - 0.3 * (to - from)),
        },
        system,
      );
    });
    // A candidate (the MLP, judged against the champion on its holdout) as an A/B challenger on a
    // fifth of the spindles: the experiment the models page shows and an approver decides.
    const candidate = await train('MLP', trained.versionId);
    await inTransaction(pool, (db) =>
      startExperiment(
        db,
        {
          organizationId: org,
          championDeploymentId: cloud.id,
          challengerVersionId: candidate.versionId!,
          kind: 'AB_TEST',
          trafficShare: 0.2,
          metric: 'brier',
          // Its arm backfills the same held-out span, so the history's insights are there whichever arm the failing spindle is in.
          scoreFrom: new Date(to - 0.3 * (to - from)),
        },
        system,
      ),
    );
    log.info(
      { points: played.points, events: played.events, champion: trained.version, challenger: candidate.version },
      'trained, signed and deployed the demo model; its challenger runs on a fifth of the spindles',
    );
  }
} finally {
  await pool.end();
}
