// The model lifecycle on the simulator's plant, against real PostgreSQL and Redis: models trained
// on simulated history find the injected bearing degradation on LEJ-L1-CNC02 before the failure it
// causes, through the whole path (ingest → notice → dispatcher → BullMQ → ONNX → predictions →
// insights); a tampered artifact is refused, audited, and the fallback rules keep insights coming.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { featureNames, storedFeatureSpec } from '@threadline/db/models/feature-spec';
import { createDeployment } from '@threadline/db/models/deployments';
import { moveAlias } from '@threadline/db/models/registry';
import { insightTimings } from '@threadline/db/value/insight-timings';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { edgeFolder, edgeScores, type StoredVersion } from '../../../scripts/test/edge-command.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { addDetectorKpi } from '../../../scripts/test/detector-kpi.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { MODEL_JOBS, modelHandlers, startModelRelays } from '../model-workers.ts';
import { runModelTraining } from '../processors/model-training.ts';
import { runBacktest } from '../processors/model-backtest.ts';
import { requestBacktest } from '@threadline/db/models/backtests';
import { requestPromotion } from '@threadline/db/models/promotion';
import { setInsightVerdict } from '@threadline/db/insights/verdicts';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario, SCENARIO_PERIOD_MS } from '../simulator/scenario.ts';
import { startWorkerHost, type WorkerHost } from '../worker-host.ts';
import type { InferenceDispatcher } from './dispatcher.ts';
import { waitForInferenceIdle } from '../../../scripts/test/wait-for.ts';
import { computeFeatures, gridEnds, scorable } from '../ml/features.ts';
import { OnnxRunner, packRows } from '../ml/onnx-runner.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const system = { kind: 'SYSTEM' as const, id: null, label: 'test' };
const P = SCENARIO_PERIOD_MS;
const FAILURE_OFFSET = 0.75 * P;

describe('model lifecycle on the simulated plant', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  const log = pino({ level: 'silent' });
  let pool: pg.Pool;
  let dbUrl: string;
  let org: string;
  let ingest: IngestService;
  let host: WorkerHost;
  let relays: { dispatcher: InferenceDispatcher; stop: () => Promise<void> };
  let queues: Queue[];
  let scenario: Scenario;
  let signals: Awaited<ReturnType<typeof loadPlantSignals>>;
  let assetIds: Map<string, string>;
  let modelId: string;
  let useCaseId: string;
  // Five whole past periods: three to train on, one to evaluate, one after the artifact is tampered with.
  // They start at 16:00 UTC whatever the hour the test runs, so the plant's daily load cycle meets
  // the failures at the same points on every run (the scenario is hard enough for that to matter).
  const DAY = 86_400_000;
  const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY + 16 * 3_600_000;
  const evaluationStart = start + 3 * P;

  /** The GBT version trained with derived features (first test), for the edge. */
  let treesVersionId: string;

  const train = async (family: string, extra: Record<string, unknown> = {}) => {
    const {
      rows: [run],
    } = await pool.query<{ id: string }>(
      `INSERT INTO training_runs (organization_id, model_id, trigger, data_window_start_at, data_window_end_at, params)
       VALUES ($1, $2, 'MANUAL', $3, $4, $5) RETURNING id`,
      [org, modelId, new Date(start), new Date(evaluationStart), { family, ...extra }],
    );
    return runModelTraining({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, trainingRunId: run!.id }, true);
  };

  /** A threadline-edge folder for a stored version with LEJ-L1-CNC02's readings over an hour from `from`. */
  const cnc02Folder = async (version: StoredVersion, deploymentId: string, target: string, from: number) => {
    const { rows: readings } = await pool.query<{ signal: string; t: string; value: number }>(
      `SELECT 'LEJ-L1-CNC02' AS asset, s.name AS signal, (extract(epoch FROM t.time) * 1000)::bigint AS t, t.value FROM telemetry t JOIN signals s ON s.id = t.signal_id
        WHERE s.asset_id = $1 AND t.time >= $2 AND t.time <= $3 ORDER BY t.time`,
      [assetIds.get('LEJ-L1-CNC02'), new Date(from), new Date(from + 3_600_000)],
    );
    return { ...edgeFolder(signingKey, version, { id: deploymentId, target }, readings as never), readings };
  };
  /** threadline-edge's scores of LEJ-L1-CNC02 by window end. */
  const cnc02Scores = (stdout: string) => new Map([...edgeScores(stdout)].map(([key, score]) => [Number(key.split('@')[1]), score]));

  /** Waits until the dispatcher and the inference queue are idle. */
  const settle = () => waitForInferenceIdle(relays.dispatcher, queues[0]!);

  /** A fresh workers host, with an empty session cache, as after a restart. */
  const restartWorkers = async () => {
    await host.close();
    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 2,
      log,
      catalogue: MODEL_JOBS,
      handlers: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }).handlers,
    });
  };

  const ingestRange = async (from: number, to: number, chunkMs: number) => {
    for (let t = from; t < to; t += chunkMs) {
      await backfillScenario({
        ingest,
        events: new EventIngest(pool),
        organizationId: org,
        scenario,
        signals,
        from: t,
        to: Math.min(t + chunkMs, to),
        stepMs: 10_000,
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    await settle();
  };

  beforeAll(async () => {
    const db = await createTestDatabase();
    dbUrl = db.url;
    pool = createPool({ url: db.url, role: 'threadline_app', poolSize: 6 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
    scenario = new Scenario(20261123);
    signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.startsWith('LEJ-L1-CNC'));
    assetIds = new Map(
      (await pool.query<{ code: string; id: string }>("SELECT code, id FROM assets WHERE code LIKE 'LEJ-L1-CNC%'")).rows.map((r) => [r.code, r.id]),
    );
    const {
      rows: [type],
    } = await pool.query<{ id: string }>("SELECT id FROM asset_types WHERE name = 'CNC machining centre'");
    const {
      rows: [useCase],
    } = await pool.query<{ id: string }>("SELECT id FROM use_cases WHERE name LIKE 'Predictive maintenance%'");
    useCaseId = useCase!.id;
    modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id) VALUES ($1, 'Spindle failure risk (test)', 'FAILURE_RISK', $2, $3) RETURNING id",
        [org, type!.id, useCase!.id],
      )
    ).rows[0]!.id;
    // Three scenario periods of history, each ending in a bearing failure on LEJ-L1-CNC02.
    await backfillScenario({ ingest, events: new EventIngest(pool), organizationId: org, scenario, signals, from: start, to: evaluationStart, stepMs: 10_000 });

    const handlers = modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) });
    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 2,
      log,
      catalogue: MODEL_JOBS,
      handlers: handlers.handlers,
    });
    // The relays' own queues: the worker host is replaced below, the relays keep running.
    queues = [new Queue('inference', { connection, prefix }), new Queue('models', { connection, prefix })];
    relays = await startModelRelays({
      databaseUrl: db.url,
      role: 'threadline_app',
      pool,
      queue: (name) => (name === 'inference' ? queues[0]! : queues[1]!),
      log,
      dispatchMs: 10,
      maxWindowsPerAsset: 720,
      maxWindowsPerJob: 2_000,
    });
  }, 180_000);

  afterAll(async () => {
    await relays?.stop();
    await host?.close();
    await Promise.all(queues.map((q) => q.close()));
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  it('learns failure risk from the simulated history: high holdout AUC, ONNX equal to TypeScript', async () => {
    // The use case values the model: its detector-value KPI prices the threshold of runs that state no rule.
    await addDetectorKpi(pool, org, useCaseId, modelId, 'Detector value (test)');
    // The trees also take a declared derived feature, search for more on their validation slice, and state their own rule.
    const declared = { op: 'product', left: 'spindle_vibration.mean', right: 'spindle_load.mean' };
    const ownRule = { kind: 'MIN_PRECISION', precision: 0.5 };
    // The scenario is hard on purpose (mild wear, a spindle whose heavy jobs look like it): not 1.0.
    // Trees see one failure in the span they fit and do not extrapolate past levels they saw: on
    // this history they may learn nothing that carries over (docs/models.md, weak spots), so only
    // logistic regression and AUTO's choice are held to figures; the trees to their contract.
    const least: Partial<Record<string, { auc: number; recall: number }>> = { LOGISTIC: { auc: 0.9, recall: 0.5 }, AUTO: { auc: 0.9, recall: 0.5 } };
    for (const family of ['LOGISTIC', 'AUTO', 'GBT'] as const) {
      const result = await train(family, family === 'GBT' ? { derived: [declared], searchDerived: true, thresholdRule: ownRule } : {});
      const {
        rows: [version],
      } = await pool.query('SELECT family, metrics, threshold, signature, sha256, feature_spec, reference_profile FROM model_versions WHERE id = $1', [
        result.versionId,
      ]);
      if (family === 'AUTO') {
        expect(Object.keys(version.metrics.validationAveragePrecision)).toEqual([
          'logistic',
          'mlp seed 7',
          'mlp seed 8',
          'mlp seed 9',
          'gbt depth 3',
          'gbt depth 4',
          'gbt depth 6',
        ]);
        const best = Math.max(...(Object.values(version.metrics.validationAveragePrecision) as number[]));
        expect(version.metrics.validationAveragePrecision[version.metrics.chosen]).toBe(best);
        expect(version.family).toBe(version.metrics.chosen.split(' ')[0].toUpperCase());
      } else expect(version.family).toBe(family);
      expect(version.metrics.incidents).toBeGreaterThanOrEqual(3);
      if (least[family]) {
        expect(version.metrics.auc).toBeGreaterThan(least[family].auc);
        expect(version.metrics.auc).toBeLessThan(1);
        expect(version.metrics.recall).toBeGreaterThan(least[family].recall);
      }
      expect(version.metrics.onnxMaxDeviation).toBeLessThan(1e-5);
      expect(version.signature).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
      expect(version.feature_spec.signals.map((s: { name: string }) => s.name)).toContain('spindle_vibration');
      expect(version.reference_profile.features[0].edges).toHaveLength(11);
      // Calibrated and thresholded on the validation slice, with the rule and its source stored beside the figures.
      expect(version.metrics.calibration).toEqual({ a: expect.any(Number), b: expect.any(Number) });
      expect(version.metrics.validation).toMatchObject({ auc: expect.any(Number), averagePrecision: expect.any(Number), f1: expect.any(Number) });
      expect(version.metrics.thresholdRule).toEqual(
        family === 'GBT'
          ? { ...ownRule, source: 'training parameters' }
          : { kind: 'COST', missedFailure: 10_500, falseAlarm: 250, source: 'KPI Detector value (test)' },
      );
      if (family === 'GBT') {
        treesVersionId = result.versionId!;
        expect(version.feature_spec.derived[0]).toEqual(declared);
        expect(version.feature_spec.reference).toHaveLength(
          version.feature_spec.signals.length * version.feature_spec.aggregates.length + version.feature_spec.derived.length,
        );
      }
    }
    // The streaming anomaly detector learns normal operation only and is judged against the incidents:
    // it ranks the approach to a failure above normal windows, but CNC05's heavy jobs are rarer than
    // one window in 200 and more unusual than mild wear, so its fixed 0.5 (normal's 99.5th
    // percentile) sits above the wear (docs/models.md, weak spots).
    const anomaly = await train('ANOMALY_ZSCORE');
    const {
      rows: [detector],
    } = await pool.query('SELECT metrics, threshold FROM model_versions WHERE id = $1', [anomaly.versionId]);
    expect(detector.threshold).toBe(0.5);
    expect(detector.metrics.auc).toBeGreaterThan(0.9);
  }, 120_000);

  it('raises an explained insight on the degrading spindle before it fails, and none on healthy spindles', async () => {
    const {
      rows: [latest],
    } = await pool.query<{ id: string }>("SELECT id FROM model_versions WHERE model_id = $1 AND family = 'LOGISTIC'", [modelId]);
    await moveAlias(rawSqlOf(pool), org, modelId, 'champion', latest!.id, system);
    const {
      rows: [cloud],
    } = await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE name = 'cloud-inference'");
    await createDeployment(
      rawSqlOf(pool),
      { organizationId: org, modelId, versionId: null, alias: 'champion', edgeTargetId: cloud!.id, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
      system,
    );
    await relays.dispatcher.reload();
    await ingestRange(evaluationStart, evaluationStart + P, 10 * 60_000);

    const failureAt = evaluationStart + FAILURE_OFFSET;
    const { rows: insights } = await pool.query<{
      asset_id: string;
      evidence_start_at: Date;
      evidence_end_at: Date;
      evidence_received_at: Date;
      raised_at: Date;
      explanation: { signal: string; unit: string }[];
      from_fallback: boolean;
      title: string;
    }>('SELECT * FROM insights WHERE organization_id = $1 AND source_key = $2 ORDER BY evidence_end_at', [org, `model:${modelId}`]);
    const degrading = insights.filter((i) => i.asset_id === assetIds.get('LEJ-L1-CNC02'));
    expect(degrading.length).toBeGreaterThan(0);
    const first = degrading[0]!;
    expect(first.evidence_end_at.getTime()).toBeLessThan(failureAt - 30 * 60_000);
    expect(first.evidence_end_at.getTime()).toBeGreaterThan(evaluationStart + 0.3 * P);
    expect(first.from_fallback).toBe(false);
    expect(first.explanation[0]!.signal).toMatch(/^spindle_/);
    expect(first.explanation[0]!.unit).toBeTruthy();
    expect(first.evidence_received_at.getTime()).toBeLessThanOrEqual(first.raised_at.getTime());
    expect(insights.filter((i) => i.asset_id !== assetIds.get('LEJ-L1-CNC02'))).toHaveLength(0);

    // MTTI of the use case from the injected fault: each insight's evidence receipt is the earliest
    // receipt of the model's signals in its window, and MTTI (mean, p50, p95) is over exactly these.
    const features = (
      await pool.query<{ names: string[] }>(
        "SELECT array(SELECT jsonb_array_elements(feature_spec->'signals')->>'name') AS names FROM model_versions WHERE id = $1",
        [latest!.id],
      )
    ).rows[0]!.names;
    const seconds: number[] = [];
    for (const insight of insights) {
      const {
        rows: [earliest],
      } = await pool.query<{ at: Date }>(
        `SELECT min(t.received_at) AS at FROM telemetry t JOIN signals s ON s.id = t.signal_id
          WHERE s.asset_id = $1 AND s.name = ANY($2) AND t.time > $3 AND t.time <= $4`,
        [insight.asset_id, features, insight.evidence_start_at, insight.evidence_end_at],
      );
      expect(insight.evidence_received_at.getTime()).toBe(earliest!.at.getTime());
      seconds.push((insight.raised_at.getTime() - earliest!.at.getTime()) / 1000);
    }
    seconds.sort((a, b) => a - b);
    const percentile = (q: number) => {
      const rank = (seconds.length - 1) * q;
      const lo = Math.floor(rank);
      return seconds[lo]! + (seconds[Math.min(lo + 1, seconds.length - 1)]! - seconds[lo]!) * (rank - lo);
    };
    const raised = insights.map((i) => i.raised_at.getTime());
    const timings = (await insightTimings(rawSqlOf(pool), org, [useCaseId], new Date(Math.min(...raised)), new Date(Math.max(...raised) + 1))).get(useCaseId)!;
    expect(timings.insights).toBe(insights.length);
    expect(timings.mtti.count).toBe(insights.length);
    expect(timings.mtti.meanSeconds).toBeCloseTo(seconds.reduce((a, b) => a + b, 0) / seconds.length, 3);
    expect(timings.mtti.p50Seconds).toBeCloseTo(percentile(0.5), 3);
    expect(timings.mtti.p95Seconds).toBeCloseTo(percentile(0.95), 3);
    expect(timings.mtta).toEqual({ count: 0, meanSeconds: null, p50Seconds: null, p95Seconds: null, unacknowledged: insights.length });

    const {
      rows: [counts],
    } = await pool.query<{ predictions: string; distinct_windows: string }>(
      'SELECT count(*) AS predictions, count(DISTINCT (asset_id, ts)) AS distinct_windows FROM predictions WHERE model_version_id = $1',
      [latest!.id],
    );
    expect(Number(counts!.predictions)).toBeGreaterThan(6 * 2_500);
    expect(counts!.predictions).toBe(counts!.distinct_windows);
  }, 240_000);

  it('backtests the champion over the evaluation period: the failure foreseen, its lead time, and its value at the KPI prices', async () => {
    const {
      rows: [champion],
    } = await pool.query<{ id: string }>("SELECT model_version_id AS id FROM model_aliases WHERE model_id = $1 AND alias = 'champion'", [modelId]);
    const id = await requestBacktest(
      rawSqlOf(pool),
      { organizationId: org, versionId: champion!.id, datasetId: null, from: new Date(evaluationStart), to: new Date(evaluationStart + P) },
      system,
    );
    await runBacktest({ pool, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, backtestId: id }, true);
    const {
      rows: [{ status, result }],
    } = await pool.query('SELECT status, result FROM backtests WHERE id = $1', [id]);
    expect(status).toBe('SUCCEEDED');
    // One bearing failure on LEJ-L1-CNC02 in the period, foreseen within the 2-hour horizon.
    expect(result).toMatchObject({ kind: 'TELEMETRY', horizonMinutes: 120, failures: 1, caught: 1, missed: 0 });
    expect(result.leadTimeMinutes.min).toBeGreaterThan(10);
    expect(result.leadTimeMinutes.max).toBeLessThanOrEqual(120);
    expect(result.auc).toBeGreaterThan(0.9);
    expect(result.value).toMatchObject({ kpi: 'Detector value (test)', saved: 6_500, missedCost: 0, falseAlarmCost: result.falseAlarms * 250 });
  }, 120_000);

  it("labels by operators' verdicts: a false alarm on the insight that foresaw the failure lowers the backtest's precision, a true problem raises it again, and a promotion shows both versions on them", async () => {
    const {
      rows: [champion],
    } = await pool.query<{ id: string }>("SELECT model_version_id AS id FROM model_aliases WHERE model_id = $1 AND alias = 'champion'", [modelId]);
    const backtest = async () => {
      const id = await requestBacktest(
        rawSqlOf(pool),
        { organizationId: org, versionId: champion!.id, datasetId: null, from: new Date(evaluationStart), to: new Date(evaluationStart + P) },
        system,
      );
      await runBacktest({ pool, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, backtestId: id }, true);
      return (await pool.query<{ result: { precision: number; positives: number } }>('SELECT result FROM backtests WHERE id = $1', [id])).rows[0]!.result;
    };
    const before = await backtest();
    const {
      rows: [insight],
    } = await pool.query<{ id: string }>(
      'SELECT id FROM insights WHERE source_key = $1 AND asset_id = $2 AND evidence_end_at >= $3 AND evidence_end_at < $4 ORDER BY evidence_end_at LIMIT 1',
      [`model:${modelId}`, assetIds.get('LEJ-L1-CNC02'), new Date(evaluationStart), new Date(evaluationStart + P)],
    );
    const {
      rows: [admin],
    } = await pool.query<{ id: string }>("SELECT id FROM users WHERE email = 'admin@northwind.example'");
    const judge = (verdict: 'FALSE_ALARM' | 'TRUE_PROBLEM') =>
      inTransaction(pool, (db) => setInsightVerdict(db, org, insight!.id, { verdict, comment: null }, admin!.id, system, new Date()));

    await judge('FALSE_ALARM');
    const falseAlarm = await backtest();
    // The windows the insight stood for were failures by the incident; the operator says they were not.
    expect(falseAlarm.positives).toBeLessThan(before.positives);
    expect(falseAlarm.precision).toBeLessThan(before.precision);
    // A true problem counts every window the insight stood for as a failure, the early ones included.
    await judge('TRUE_PROBLEM');
    expect((await backtest()).precision).toBeGreaterThanOrEqual(before.precision);

    // A promotion request shows how each version scored the judged window (rolled back: no request stays open).
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const approval = await requestPromotion(
        rawSqlOf(client),
        { organizationId: org, versionId: treesVersionId, requestedById: admin!.id, comment: null },
        system,
      );
      const {
        rows: [created],
      } = await client.query("SELECT payload FROM audit_events WHERE type = 'approval.created' AND subject_id = $1", [approval.id]);
      expect(created.payload).toMatchObject({
        verdicts: {
          champion: { trueProblems: 1, trueProblemsFlagged: 1, falseAlarms: 0, unscored: 0 },
          candidate: { trueProblems: 1, unscored: 1 },
        },
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }, 120_000);

  it('gives the same scores at the edge: threadline-edge verifies the signed bundle and scores a CSV as the cloud did', async () => {
    const {
      rows: [version],
    } = await pool.query(
      `SELECT v.*, m.name, m.task, d.id AS deployment_id FROM deployments d JOIN model_versions v ON v.id = d.model_version_id JOIN models m ON m.id = v.model_id
        WHERE d.alias = 'champion' AND d.status = 'ACTIVE'`,
    );
    const from = evaluationStart + 4 * 3_600_000;
    const to = from + 3_600_000;
    const { dir, bundle, run, score } = await cnc02Folder(version, version.deployment_id, 'lej-edge-01', from);
    const verified = run('verify', join(dir, 'bundle.json'), '--public-key', join(dir, 'key.pem'));
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^ok: Spindle failure risk \(test\) v\d+ \(LOGISTIC\)/);
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify({ ...bundle, manifest: { ...bundle.manifest, threshold: 0.99 } }));
    const refused = run('verify', join(dir, 'tampered.json'), '--public-key', join(dir, 'key.pem'));
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/refused: the manifest signature does not verify/);

    const scored = score();
    expect(scored.status).toBe(0);
    const scores = cnc02Scores(scored.stdout);
    const { rows: cloud } = await pool.query<{ t: string; score: number }>(
      'SELECT (extract(epoch FROM ts) * 1000)::bigint AS t, score FROM predictions WHERE model_version_id = $1 AND asset_id = $2 AND ts >= $3 AND ts <= $4',
      [version.id, assetIds.get('LEJ-L1-CNC02'), new Date(from + version.feature_spec.windowSeconds * 1000), new Date(to)],
    );
    expect(cloud.length).toBeGreaterThan(200);
    for (const { t, score } of cloud) expect(Math.abs(scores.get(Number(t))! - score)).toBeLessThan(1e-6);
  }, 120_000);

  it('scores a boosted-trees bundle with derived features at the edge exactly as onnxruntime does in the cloud', async () => {
    const {
      rows: [version],
    } = await pool.query('SELECT v.*, m.name, m.task FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = $1', [treesVersionId]);
    const from = evaluationStart + 6 * 3_600_000;
    const { score, readings } = await cnc02Folder(version, randomUUID(), 'lej-edge-02', from);
    const scored = score();
    expect(scored.status).toBe(0);
    const scores = cnc02Scores(scored.stdout);
    // The cloud's way: the series from the database, the one features.ts, the stored graph in onnxruntime.
    const spec = storedFeatureSpec(version.feature_spec)!;
    const series = new Map<string, { t: number[]; v: number[] }>();
    for (const r of readings) {
      const points = series.get(r.signal) ?? { t: [], v: [] };
      points.t.push(Number(r.t));
      points.v.push(r.value);
      series.set(r.signal, points);
    }
    const rows = computeFeatures(spec, series, gridEnds(spec, from - 1, from + 3_600_000)).filter(scorable);
    const width = featureNames(spec).length;
    const runner = await OnnxRunner.load(new Uint8Array(version.onnx), width);
    const cloud = await runner.run(
      packRows(
        rows.map((r) => r.values),
        width,
      ),
      rows.length,
    );
    await runner.release();
    expect(rows.length).toBeGreaterThan(200);
    expect(scores.size).toBe(rows.length);
    rows.forEach((row, i) => expect(Math.abs(scores.get(row.windowEnd)! - cloud.scores[i]!)).toBeLessThan(1e-6));
  }, 120_000);

  it('refuses a tampered artifact, audits the refusal, and keeps insights flowing from the fallback rules', async () => {
    const {
      rows: [deployment],
    } = await pool.query<{ id: string; model_version_id: string }>(
      "SELECT id, model_version_id FROM deployments WHERE status = 'ACTIVE' AND alias = 'champion'",
    );
    // Flip one byte of the stored ONNX, as an attacker or a bad disk would.
    const owner = createPool({ url: dbUrl, role: '', poolSize: 1 });
    const {
      rows: [original],
    } = await owner.query<{ onnx: Buffer }>('SELECT onnx FROM model_versions WHERE id = $1', [deployment!.model_version_id]);
    await owner.query("UPDATE model_versions SET onnx = overlay(onnx placing '\\x00'::bytea from 200 for 1) WHERE id = $1", [deployment!.model_version_id]);
    await restartWorkers();

    // The next period's degradation, through the same path.
    await ingestRange(evaluationStart + P, evaluationStart + P + FAILURE_OFFSET, 20 * 60_000);
    const {
      rows: [after],
    } = await pool.query<{ status: string; status_reason: string }>('SELECT status, status_reason FROM deployments WHERE id = $1', [deployment!.id]);
    expect(after!.status).toBe('FALLBACK');
    expect(after!.status_reason).toMatch(/hash/);
    const { rows: refusals } = await pool.query("SELECT payload FROM audit_events WHERE type = 'model_version.refused' AND subject_id = $1", [
      deployment!.model_version_id,
    ]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].payload.deploymentId).toBe(deployment!.id);
    const { rows: fallback } = await pool.query<{ asset_id: string; from_fallback: boolean; title: string; kind: string }>(
      'SELECT asset_id, from_fallback, title, kind FROM insights WHERE source_key = $1',
      [`fallback:${deployment!.id}`],
    );
    expect(fallback.length).toBeGreaterThan(0);
    expect(fallback.every((i) => i.from_fallback && i.kind === 'THRESHOLD' && i.title.startsWith('Fallback rule'))).toBe(true);
    expect(fallback.map((i) => i.asset_id)).toContain(assetIds.get('LEJ-L1-CNC02'));
    const {
      rows: [newPredictions],
    } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM predictions WHERE model_version_id = $1 AND ts >= $2', [
      deployment!.model_version_id,
      new Date(evaluationStart + P),
    ]);
    expect(Number(newPredictions!.n)).toBe(0);

    // Restored bytes verify again: the next batch runs the model and the deployment is ACTIVE again.
    await owner.query('UPDATE model_versions SET onnx = $2 WHERE id = $1', [deployment!.model_version_id, original!.onnx]);
    await owner.end();
    await restartWorkers();
    await ingestRange(evaluationStart + P + FAILURE_OFFSET, evaluationStart + P + FAILURE_OFFSET + 20 * 60_000, 20 * 60_000);
    const {
      rows: [restored],
    } = await pool.query<{ status: string; status_reason: string | null }>('SELECT status, status_reason FROM deployments WHERE id = $1', [deployment!.id]);
    expect(restored).toEqual({ status: 'ACTIVE', status_reason: null });
  }, 240_000);
});
