// `npm run demo:models -w @threadline/workers` (run by `npm start`): gives the demo plant a working
// model lifecycle once. It plays three periods of the simulator's scenario for LEJ-L1's spindles
// into the past (readings every 10 s, with the alarms and bearing failures they cause; up to now,
// and the last quarter hour for the other spindles, so live scoring starts at once), trains the
// spindle failure-risk model on them, signs and registers it, names it champion and deploys it to
// `cloud-inference` (every CNC in its use case's rolled-out wave scope, scored live from the simulator's data) and to the `lej-edge-01`
// gateway (for edge bundles); then trains an MLP candidate and runs it as an A/B challenger on a
// fifth of the spindles, and adds a KPI for the detector's value computed from its confusion matrix.
// A no-op when the model exists.
import pino from 'pino';
import { rawSqlOf } from '@threadline/db/audit/audit-log';
import { signingKeyFromPem, signingKeyPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { CHAMPION_ALIAS, startExperiment } from '@threadline/db/models/experiments';
import { moveAlias, publishSigningKey } from '@threadline/db/models/registry';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { adapterOrganization } from '../adapters/organization.ts';
import { readWorkersConfig } from '../config.ts';
import { inTransaction } from '../db-transaction.ts';
import { runModelTraining } from '../processors/model-training.ts';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario, SCENARIO_PERIOD_MS } from '../simulator/scenario.ts';

const DEMO_MODEL = 'Spindle failure risk';
const SIMULATOR_SEED = Number(process.env.SIMULATOR_SEED ?? 20261123);

const config = readWorkersConfig();
const log = pino({ name: 'threadline-demo-models', level: config.LOG_LEVEL });
const pool = createPool({ url: config.db.DATABASE_URL, role: config.db.DATABASE_APP_ROLE, poolSize: 4 });
const system = { kind: 'SYSTEM' as const, id: null, label: 'demo:models' };
try {
  const org = await adapterOrganization(pool, config.PLANT_ORGANIZATION);
  const existing = await pool.query('SELECT 1 FROM models WHERE organization_id = $1 AND name = $2', [org, DEMO_MODEL]);
  if (existing.rows.length > 0) {
    log.info('the demo model is already there');
  } else {
    const key = signingKeyFromPem(signingKeyPem(config.MODEL_SIGNING_KEY, config.THREADLINE_KEY_DIR, 'model'));
    await publishSigningKey(rawSqlOf(pool), key, !config.MODEL_SIGNING_KEY);
    const P = SCENARIO_PERIOD_MS;
    const to = Math.floor(Date.now() / P) * P;
    const from = to - 3 * P;
    const spindles = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
    const history = { ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)), events: new EventIngest(pool), organizationId: org, scenario: new Scenario(SIMULATOR_SEED), stepMs: 10_000 };
    log.info({ from: new Date(from), to: new Date(to) }, 'playing the scenario\'s history for training');
    // LEJ-L1's spindles up to now, the others for the last window, so live scoring starts at once.
    const now = Date.now();
    const played = await backfillScenario({ ...history, signals: spindles.filter((s) => s.assetCode.startsWith('LEJ-L1-')), from, to: now });
    await backfillScenario({ ...history, signals: spindles.filter((s) => !s.assetCode.startsWith('LEJ-L1-')), from: now - 15 * 60_000, to: now });
    const { rows: [ids] } = await pool.query<{ type: string; use_case: string; owner: string; cloud: string; edge: string }>(
      `SELECT (SELECT id FROM asset_types WHERE organization_id = $1 AND name = 'CNC machining centre') AS type,
              (SELECT id FROM use_cases WHERE organization_id = $1 AND name LIKE 'Predictive maintenance%') AS use_case,
              (SELECT id FROM users WHERE organization_id = $1 AND role = 'DATA_SCIENTIST' LIMIT 1) AS owner,
              (SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference') AS cloud,
              (SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'lej-edge-01') AS edge`, [org]);
    const modelId = (await pool.query<{ id: string }>(
      `INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id, owner_id, risk_class, description)
       VALUES ($1, $2, 'FAILURE_RISK', $3, $4, $5, 'LIMITED', 'Probability that a spindle fails within 2 hours, from 10-minute windows of vibration, temperature, load and power.') RETURNING id`,
      [org, DEMO_MODEL, ids!.type, ids!.use_case, ids!.owner])).rows[0]!.id;
    const train = async (family: string, baseVersionId: string | null) => {
      const runId = (await pool.query<{ id: string }>(
        `INSERT INTO training_runs (organization_id, model_id, base_version_id, trigger, data_window_start_at, data_window_end_at, params, requested_by_id)
         VALUES ($1, $2, $3, 'MANUAL', $4, $5, $6, $7) RETURNING id`, [org, modelId, baseVersionId, new Date(from), new Date(to), { family }, ids!.owner])).rows[0]!.id;
      return runModelTraining({ pool, signingKey: key, trustedKeys: trustedKeySet(key, config.MODEL_TRUSTED_KEYS) }, { organizationId: org, trainingRunId: runId }, true);
    };
    const trained = await train('LOGISTIC', null);
    const cloud = await inTransaction(pool, async (client) => {
      const db = rawSqlOf(client);
      await moveAlias(db, org, modelId, CHAMPION_ALIAS, trained.versionId!, system);
      await createDeployment(db, { organizationId: org, modelId, versionId: null, alias: CHAMPION_ALIAS, edgeTargetId: ids!.edge, assetId: null, mode: 'CHAMPION', trafficShare: 1 }, system);
      return createDeployment(db, { organizationId: org, modelId, versionId: null, alias: CHAMPION_ALIAS, edgeTargetId: ids!.cloud, assetId: null, mode: 'CHAMPION', trafficShare: 1 }, system);
    });
    // A candidate (the MLP, judged against the champion on its holdout) as an A/B challenger on a
    // fifth of the spindles: the experiment the models page shows and an approver decides.
    const candidate = await train('MLP', trained.versionId);
    await inTransaction(pool, (client) => startExperiment(rawSqlOf(client), {
      organizationId: org, championDeploymentId: cloud.id, challengerVersionId: candidate.versionId!, kind: 'AB_TEST', trafficShare: 0.2, metric: 'brier',
    }, system));
    // The detector's business value, computed daily from its confusion matrix against incidents on
    // LEJ-L1's spindles: a foreseen failure saves a crash repair, a false alarm costs an inspection.
    await pool.query(
      `INSERT INTO kpis (organization_id, use_case_id, name, kind, unit, direction, baseline, target, value_per_unit, description, computation)
       VALUES ($1, $2, 'Spindle detector value', 'DETECTOR_VALUE', 'EUR/month', 'HIGHER_IS_BETTER', 0, 40000, 1,
               'Value of the failure-risk model per month: foreseen failures × 6,500 € saved − false alarms × 250 € − missed failures × 4,000 €.', $3)`,
      [org, ids!.use_case, {
        kind: 'DETECTOR_VALUE', modelId, horizonHours: 2, valuePerTruePositive: 6_500, costPerFalsePositive: 250, costPerMissed: 4_000,
        scope: { assetIds: [], lineIds: [(await pool.query<{ id: string }>("SELECT id FROM lines WHERE organization_id = $1 AND code = 'LEJ-L1'", [org])).rows[0]!.id], siteIds: [], assetTypeId: ids!.type },
      }]);
    log.info({ points: played.points, events: played.events, champion: trained.version, challenger: candidate.version }, 'trained, signed and deployed the demo model; its challenger runs on a fifth of the spindles');
  }
} finally {
  await pool.end();
}
