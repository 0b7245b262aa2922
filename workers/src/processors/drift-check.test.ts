// Drift to retraining without a person, against real PostgreSQL and Redis: a chiller anomaly model
// trained on normal operation sees no drift in more normal operation; when the simulator's supply
// temperature sensor on LEJ-L2-CHL01 starts drifting, the drift check reports it, starts a training
// run through the outbox, and the workers register a candidate with lineage to its parent, its data
// window and the report.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSqlOf } from '@threadline/db/sql';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { MODEL_JOBS, modelHandlers } from '../model-workers.ts';
import { OutboxRelay } from '../outbox-relay.ts';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario, SCENARIO_PERIOD_MS } from '../simulator/scenario.ts';
import { startWorkerHost, type WorkerHost } from '../worker-host.ts';
import { runDriftCheck } from './drift-check.ts';
import { runModelTraining } from './model-training.ts';
import { startScheduledRetraining } from '@threadline/db/models/scheduled-retraining';
import { waitFor } from '../../../scripts/test/wait-for.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const HOUR = 3_600_000;

describe('drift checks', () => {
  const prefix = testQueuePrefix();
  let pool: pg.Pool;
  let url: string;
  let org: string;
  let modelId: string;
  let versionId: string;
  let deploymentId: string;
  let host: WorkerHost | null = null;
  let relay: OutboxRelay | null = null;
  // Normal history up to `drift`; from there the sensor drifts (the scenario's saw-tooth ramp).
  // Early enough that drift + 30 h (the latest time the tests play or check) has passed at any time of day.
  const drift = Math.floor(Date.now() / SCENARIO_PERIOD_MS) * SCENARIO_PERIOD_MS - 4 * SCENARIO_PERIOD_MS + 2 * HOUR;
  let play: (scenario: Scenario, from: number, to: number) => Promise<unknown>;

  beforeAll(async () => {
    url = (await createTestDatabase()).url;
    pool = createPool({ url, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const chillers = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CHL'));
    const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
    play = (scenario, from, to) =>
      backfillScenario({ ingest, events: new EventIngest(pool), organizationId: org, scenario, signals: chillers, from, to, stepMs: 60_000 });
    await play(new Scenario(7, []), drift - 48 * HOUR, drift);
    const {
      rows: [type],
    } = await pool.query<{ id: string }>("SELECT id FROM asset_types WHERE name = 'Process chiller'");
    modelId = (
      await pool.query<{ id: string }>(
        `INSERT INTO models (organization_id, name, task, asset_type_id, policy) VALUES ($1, 'Chiller anomalies', 'ANOMALY_DETECTION', $2, $3) RETURNING id`,
        // A strict share (2 features of 16 drift the model), with KS at 1e-4: a day's windows follow the
        // daily cycle and are not independent, so at 0.01 one feature in ten fails it on some days of
        // normal operation (the scenario's noise is the date's); the drifting sensor gives p ≈ 0.
        [org, type!.id, { autoRetrain: true, driftWindowHours: 24, retrainWindowHours: 24, driftShare: 0.1, ksAlpha: 1e-4 }],
      )
    ).rows[0]!.id;
    const {
      rows: [run],
    } = await pool.query<{ id: string }>(
      "INSERT INTO training_runs (organization_id, model_id, trigger, data_window_start_at, data_window_end_at, params) VALUES ($1, $2, 'MANUAL', $3, $4, $5) RETURNING id",
      [org, modelId, new Date(drift - 48 * HOUR), new Date(drift - 24 * HOUR), { trainingStepSeconds: 300 }],
    );
    versionId = (
      await runModelTraining({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, trainingRunId: run!.id }, true)
    ).versionId!;
    const {
      rows: [cloud],
    } = await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE name = 'cloud-inference'");
    deploymentId = (
      await createDeployment(
        rawSqlOf(pool),
        { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud!.id, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
        { kind: 'SYSTEM', id: null, label: 'test' },
      )
    ).id;
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    await host?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  it('reports no drift in normal operation and starts nothing', async () => {
    const result = await runDriftCheck(pool, { organizationId: org, deploymentId }, drift);
    expect(result).toMatchObject({ drifting: false, trainingRunId: null });
    const {
      rows: [report],
    } = await pool.query('SELECT drifting, features FROM drift_reports WHERE id = $1', [result.driftReportId]);
    expect(report.drifting).toBe(false);
    expect(report.features.features.map((f: { feature: string }) => f.feature)).toContain('supply_temperature.mean');
  });

  it('reports a drifting sensor, retrains through the outbox and registers a candidate without a person', async () => {
    await play(new Scenario(7, [{ kind: 'SENSOR_DRIFT', assetCode: 'LEJ-L2-CHL01', properties: ['supply_temperature'] }]), drift, drift + 24 * HOUR);
    const result = await runDriftCheck(pool, { organizationId: org, deploymentId }, drift + 24 * HOUR);
    expect(result.drifting).toBe(true);
    const {
      rows: [report],
    } = await pool.query('SELECT drifting_share, features FROM drift_reports WHERE id = $1', [result.driftReportId]);
    const drifting = report.features.features.filter((f: { drifting: boolean }) => f.drifting).map((f: { feature: string }) => f.feature);
    expect(drifting.every((f: string) => f.startsWith('supply_temperature.'))).toBe(true);
    expect(drifting).toContain('supply_temperature.mean');
    const {
      rows: [run],
    } = await pool.query('SELECT trigger, status, base_version_id, drift_report_id, requested_by_id FROM training_runs WHERE id = $1', [result.trainingRunId]);
    expect(run).toEqual({ trigger: 'DRIFT', status: 'QUEUED', base_version_id: versionId, drift_report_id: result.driftReportId, requested_by_id: null });
    // A second check while the run waits starts no second run.
    expect((await runDriftCheck(pool, { organizationId: org, deploymentId }, drift + 24 * HOUR)).trainingRunId).toBeNull();

    const log = pino({ level: 'silent' });
    const connection = { url: redisUrl(), maxRetriesPerRequest: null };
    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 1,
      log,
      catalogue: MODEL_JOBS,
      handlers: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }).handlers,
    });
    const models = new Queue('models', { connection, prefix });
    relay = new OutboxRelay({ databaseUrl: url, role: 'threadline_app', pool, queue: () => models, log });
    await relay.start();
    let candidate: { parent_version_id: string; training_run_id: string; version: number } | undefined;
    await waitFor(
      'the retrained candidate version',
      async () => {
        candidate = (await pool.query('SELECT parent_version_id, training_run_id, version FROM model_versions WHERE model_id = $1 AND version = 2', [modelId]))
          .rows[0];
        return candidate !== undefined;
      },
      { timeoutMs: 90_000 },
    );
    await models.close();
    expect(candidate).toEqual({ parent_version_id: versionId, training_run_id: result.trainingRunId, version: 2 });
    const {
      rows: [done],
    } = await pool.query('SELECT status, data_window_end_at FROM training_runs WHERE id = $1', [result.trainingRunId]);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.data_window_end_at.getTime()).toBe(drift + 24 * HOUR);
    // Judged against its parent on its own holdout, windows both could score.
    const {
      rows: [{ metrics }],
    } = await pool.query('SELECT metrics FROM model_versions WHERE model_id = $1 AND version = 2', [modelId]);
    expect(metrics.comparedWithChampion).toMatchObject({ championVersionId: versionId, championVersion: 1, windows: metrics.holdoutWindows });
    expect(metrics.comparedWithChampion.candidate.brier).toBeGreaterThanOrEqual(0);
    expect(metrics.comparedWithChampion.champion.brier).toBeGreaterThanOrEqual(0);
    expect(metrics.comparedWithChampion.champion.brier).not.toBe(metrics.comparedWithChampion.candidate.brier);
    const { rows: aliases } = await pool.query(
      'SELECT 1 FROM model_aliases WHERE model_version_id = (SELECT id FROM model_versions WHERE model_id = $1 AND version = 2)',
      [modelId],
    );
    expect(aliases).toHaveLength(0);
    const { rows: audit } = await pool.query(
      "SELECT type FROM audit_events WHERE type IN ('drift_report.created', 'training_run.created', 'model_version.created') ORDER BY seq",
    );
    expect(audit.map((a) => a.type)).toEqual([
      'model_version.created',
      'drift_report.created',
      'drift_report.created',
      'training_run.created',
      'drift_report.created',
      'model_version.created',
    ]);
  }, 120_000);

  it('reports performance decay where incidents label the recent predictions', async () => {
    await pool.query('UPDATE models SET policy = $2 WHERE id = $1', [modelId, { autoRetrain: false, driftWindowHours: 24 }]);
    const {
      rows: [chiller],
    } = await pool.query<{ id: string }>("SELECT id FROM assets WHERE code = 'LEJ-L2-CHL01'");
    const incidentAt = drift + 12 * HOUR;
    await pool.query("INSERT INTO incidents (organization_id, asset_id, title, started_at, ended_at) VALUES ($1, $2, 'compressor trip', $3, $4)", [
      org,
      chiller!.id,
      new Date(incidentAt),
      new Date(incidentAt + HOUR / 2),
    ]);
    // Every 10 minutes from +2 h to +20 h: high scores in the 2 h before the trip, low elsewhere;
    // one early warning at +6 h is a false alarm, and two windows inside the trip are left out.
    const ts: number[] = [];
    for (let t = drift + 2 * HOUR; t <= drift + 20 * HOUR; t += HOUR / 6) ts.push(t);
    const score = (t: number) => (t === drift + 6 * HOUR ? 0.95 : t >= incidentAt - 2 * HOUR && t < incidentAt ? 0.9 : 0.1);
    await pool.query(
      `INSERT INTO predictions (id, organization_id, model_version_id, deployment_id, asset_id, ts, score, explanation)
       SELECT gen_random_uuid(), $1, $2, $3, $4, to_timestamp(t / 1000.0), s, '[]' FROM unnest($5::float8[], $6::float8[]) AS u(t, s)`,
      [org, versionId, deploymentId, chiller!.id, ts, ts.map(score)],
    );
    // The chillers' history had no incident, so its holdout has no AUC: give it one to compare with.
    await pool.query('UPDATE model_versions SET metrics = metrics || $2 WHERE id = $1', [versionId, { auc: 0.99 }]);
    const result = await runDriftCheck(pool, { organizationId: org, deploymentId }, drift + 24 * HOUR);
    const {
      rows: [report],
    } = await pool.query('SELECT features FROM drift_reports WHERE id = $1', [result.driftReportId]);
    // Labelled windows: up to 22 h (the 2 h horizon has not passed after), minus the two overlapping the trip (12:00, 12:10 → end-5 min < 12:30).
    const labelled = ts.filter((t) => t <= drift + 22 * HOUR && !(t >= incidentAt && t - 5 * 60_000 < incidentAt + HOUR / 2));
    // The false alarm outranks all 12 positives: AUC = 1 − 1/negatives.
    const auc = 1 - 1 / (labelled.length - 12);
    expect(report.features.performance).toMatchObject({
      windows: labelled.length,
      positives: 12,
      auc: Number(auc.toPrecision(6)),
      precision: Number((12 / 13).toPrecision(6)),
      recall: 1,
      holdout: { auc: 0.99 },
    });
    expect(report.features.performance.aucDrop).toBeCloseTo(0.99 - auc, 5);
    expect(report.features.performance.brier).toBeCloseTo(
      labelled.reduce((s, t) => s + (score(t) - (t >= incidentAt - 2 * HOUR && t < incidentAt ? 1 : 0)) ** 2, 0) / labelled.length,
      5,
    );
    expect(result.trainingRunId).toBeNull();
  });

  it("retrains on the policy's schedule: once per period, never beside a waiting run", async () => {
    await relay?.stop();
    relay = null;
    await pool.query('UPDATE models SET policy = $2 WHERE id = $1', [modelId, { retrainEveryHours: 24, retrainWindowHours: 12 }]);
    const at = drift + 30 * HOUR;
    const [runId] = await startScheduledRetraining(pool, at);
    const {
      rows: [run],
    } = await pool.query('SELECT trigger, status, base_version_id, data_window_start_at, data_window_end_at FROM training_runs WHERE id = $1', [runId]);
    expect(run).toEqual({
      trigger: 'SCHEDULE',
      status: 'QUEUED',
      base_version_id: versionId,
      data_window_start_at: new Date(at - 12 * HOUR),
      data_window_end_at: new Date(at),
    });
    expect((await pool.query('SELECT job_id FROM outbox WHERE job_id = $1', [`training-${runId}`])).rows).toHaveLength(1);
    // Waiting: nothing more, even a day later; done: nothing until the period has passed.
    expect(await startScheduledRetraining(pool, at + 25 * HOUR)).toEqual([]);
    await pool.query("UPDATE training_runs SET status = 'SUCCEEDED', created_at = $2 WHERE id = $1", [runId, new Date(at)]);
    expect(await startScheduledRetraining(pool, at + 23 * HOUR)).toEqual([]);
    expect(await startScheduledRetraining(pool, at + 25 * HOUR)).toHaveLength(1);
    await pool.query('UPDATE models SET policy = $2 WHERE id = $1', [modelId, {}]);
    expect(await startScheduledRetraining(pool, at + 60 * HOUR)).toEqual([]);
  });
});
