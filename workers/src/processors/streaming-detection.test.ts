// The streaming detector through the product's path on real PostgreSQL: trained (played over its
// data window) and registered as a signed STREAMING version, deployed, and scored by inference
// jobs that overlap and run out of order: every window scored once, each prediction equal to the
// library's score on the same samples, across a restart of the worker (a new cache and pool, the
// state read back from the database); a level shift raises one explained insight.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { storedFeatureSpec } from '@threadline/db/models/feature-spec';
import { rawSqlOf } from '@threadline/db/sql';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { loadSeries } from '@threadline/db/telemetry/feature-series';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { seededRandom } from '@threadline/db/random';
import { edgeFolder, edgeScores } from '../../../scripts/test/edge-command.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { VersionCache } from '../inference/version-cache.ts';
import { AssetDetector } from '../ml/streaming-detector.ts';
import { detectWindows } from '../ml/streaming-windows.ts';
import { runInference } from './inference.ts';
import { runModelTraining } from './model-training.ts';
import { runBacktest } from './model-backtest.ts';
import { requestBacktest } from '@threadline/db/models/backtests';
import { inTransaction } from '@threadline/db/sql';
import pino from 'pino';
import { Queue } from 'bullmq';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { waitFor, waitForInferenceIdle } from '../../../scripts/test/wait-for.ts';
import { MODEL_JOBS, modelHandlers, startModelRelays } from '../model-workers.ts';
import { startWorkerHost } from '../worker-host.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const STEP = 5 * MINUTE;

describe('the streaming detector in the product', () => {
  let url: string;
  let pool: pg.Pool;
  let org: string;
  let modelId: string;
  let versionId: string;
  let deploymentId: string;
  const assets = new Map<string, string>();
  const end = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const liveFrom = end - 24 * HOUR;
  const start = liveFrom - 72 * HOUR;
  const shiftAt = liveFrom + 15 * HOUR;

  beforeAll(async () => {
    url = (await createTestDatabase()).url;
    pool = createPool({ url, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const type = (await pool.query<{ id: string }>("INSERT INTO asset_types (organization_id, name) VALUES ($1, 'Cooling pump') RETURNING id", [org])).rows[0]!
      .id;
    await pool.query(
      `INSERT INTO asset_type_properties (organization_id, asset_type_id, name, data_type, unit, min_value, max_value)
       VALUES ($1, $2, 'pressure', 'NUMBER', 'bar', 0, 10), ($1, $2, 'temperature', 'NUMBER', '°C', 0, 90)`,
      [org, type],
    );
    const line = (await pool.query<{ id: string }>("SELECT id FROM lines WHERE code = 'LEJ-L2'")).rows[0]!.id;
    const storage = await openTelemetryStorage(pool);
    for (const [index, code] of ['PMP01', 'PMP02'].entries()) {
      const assetId = (
        await pool.query<{ id: string }>('INSERT INTO assets (organization_id, line_id, asset_type_id, code, name) VALUES ($1, $2, $3, $4, $4) RETURNING id', [
          org,
          line,
          type,
          code,
        ])
      ).rows[0]!.id;
      assets.set(code, assetId);
      const signal = async (name: string) =>
        (
          await pool.query<{ id: string }>(
            `INSERT INTO signals (organization_id, asset_id, property_id, name, data_type, unit, source_protocol, source_address)
             SELECT $1, $2, p.id, p.name, 'NUMBER', p.unit, 'API', $3 FROM asset_type_properties p WHERE p.asset_type_id = $4 AND p.name = $5 RETURNING id`,
            [org, assetId, `pump/${code}/${name}`, type, name],
          )
        ).rows[0]!.id;
      const [pressure, temperature] = [await signal('pressure'), await signal('temperature')];
      const ingest = IngestService.forPool(pool, storage);
      // A minute's samples with a daily cycle; PMP02's pressure steps up by 1.5 bar at `shiftAt` and stays there.
      const random = seededRandom(40 + index);
      const points: { signalId: string; time: string; value: number }[] = [];
      for (let t = start; t <= end; t += MINUTE) {
        const hour = (t % 86_400_000) / HOUR;
        const shifted = index === 1 && t >= shiftAt ? 1.5 : 0;
        points.push({
          signalId: pressure,
          time: new Date(t).toISOString(),
          value: 4 + 0.5 * Math.sin((2 * Math.PI * hour) / 24) + 0.05 * (random() - 0.5) + shifted,
        });
        points.push({ signalId: temperature, time: new Date(t).toISOString(), value: 40 + 5 * Math.sin((2 * Math.PI * hour) / 24) + 0.4 * (random() - 0.5) });
      }
      for (let i = 0; i < points.length; i += 5_000) expect((await ingest.ingest(org, points.slice(i, i + 5_000))).rejected).toEqual([]);
    }
    modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Pump anomalies', 'ANOMALY_DETECTION', $2) RETURNING id",
        [org, type],
      )
    ).rows[0]!.id;
  }, 180_000);

  afterAll(async () => {
    await pool?.end();
  });

  /** A STREAMING version trained (played) over the history before `liveFrom`. */
  const trainStreaming = async () => {
    const {
      rows: [run],
    } = await pool.query<{ id: string }>(
      `INSERT INTO training_runs (organization_id, model_id, trigger, data_window_start_at, data_window_end_at, params)
       VALUES ($1, $2, 'MANUAL', $3, $4, $5) RETURNING id`,
      [org, modelId, new Date(start), new Date(liveFrom), { family: 'STREAMING', stepSeconds: 300 }],
    );
    const deps = { pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) };
    return (await runModelTraining(deps, { organizationId: org, trainingRunId: run!.id }, true)).versionId!;
  };

  it('registers a signed STREAMING version with what it would have flagged over its data window', async () => {
    versionId = await trainStreaming();
    const {
      rows: [version],
    } = await pool.query('SELECT family, threshold, feature_spec, metrics, signature FROM model_versions WHERE id = $1', [versionId]);
    expect(version).toMatchObject({ family: 'STREAMING', threshold: 0.5, feature_spec: { detector: 'STREAMING', stepSeconds: 300 } });
    expect(version.signature).toBeTruthy();
    expect(version.metrics).toMatchObject({ family: 'STREAMING', assets: 2, labels: 0, eventWindowScores: null });
    expect(version.metrics.windows).toBeGreaterThan(1_500);
    expect(version.metrics.falseAlarmsPerDay).toBeLessThan(1);
    const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!.id;
    deploymentId = (
      await createDeployment(
        rawSqlOf(pool),
        { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
        { kind: 'SYSTEM', id: null, label: 'test' },
      )
    ).id;
  }, 120_000);

  it('scores every window once, in order, whatever order the jobs run in, and goes on after a restart as if it never stopped', async () => {
    const jobs = (after: number, upTo: number) => ({
      organizationId: org,
      deploymentId,
      windows: [...assets.values()].map((assetId) => ({ assetId, after, upTo })),
    });
    const mid = liveFrom + 12 * HOUR;
    const first = new VersionCache(pool, trustedKeySet(signingKey, undefined));
    // The first job learns the six hours before its window; then a later job runs before the one
    // between (it scores everything since the state, so the one between finds nothing left), and
    // the first job again (a retry).
    await runInference({ pool, versions: first }, jobs(liveFrom, mid - 4 * HOUR));
    await runInference({ pool, versions: first }, jobs(mid, mid + 2 * HOUR));
    await runInference({ pool, versions: first }, jobs(mid - 4 * HOUR, mid));
    await runInference({ pool, versions: first }, jobs(liveFrom, mid - 4 * HOUR));
    await first.close();
    // A new worker: its own pool and cache; everything it knows comes from the database.
    const restarted = createPool({ url, role: 'threadline_app', poolSize: 2 });
    const second = new VersionCache(restarted, trustedKeySet(signingKey, undefined));
    await runInference({ pool: restarted, versions: second }, jobs(mid + HOUR, end));
    await second.close();
    await restarted.end();

    const spec = storedFeatureSpec((await pool.query('SELECT feature_spec FROM model_versions WHERE id = $1', [versionId])).rows[0].feature_spec)!;
    const names = spec.signals.map((s) => s.name);
    for (const assetId of assets.values()) {
      const { rows } = await pool.query<{ t: string; score: number }>(
        'SELECT (extract(epoch FROM ts) * 1000)::bigint AS t, score FROM predictions WHERE deployment_id = $1 AND asset_id = $2 ORDER BY ts',
        [deploymentId, assetId],
      );
      // The library, given the same samples from six hours before the first window.
      const series = (await loadSeries(pool, org, [{ assetId, after: liveFrom - 6 * HOUR, upTo: end }], names)).get(assetId)!;
      const library = detectWindows(new AssetDetector(names), names, series, STEP, liveFrom);
      expect(rows.map((r) => Number(r.t))).toEqual([...library.keys()]);
      rows.forEach((r) => expect(r.score).toBeCloseTo(library.get(Number(r.t))!.detection.score, 6));
    }
    const { rows: all } = await pool.query<{ n: string; distinct: string }>(
      'SELECT count(*) AS n, count(DISTINCT (asset_id, ts)) AS distinct FROM predictions WHERE deployment_id = $1',
      [deploymentId],
    );
    expect(all[0]).toEqual({ n: String(2 * ((end - liveFrom) / STEP)), distinct: String(2 * ((end - liveFrom) / STEP)) });
  }, 180_000);

  it('raises one explained insight for the level shift, naming the signal, its value and what was expected', async () => {
    const { rows } = await pool.query<{
      title: string;
      explanation: { signal: string; aggregate: string; value: number; reference: number; unit: string }[];
      evidence_end_at: Date;
    }>('SELECT title, explanation, evidence_end_at FROM insights WHERE model_version_id = $1 ORDER BY evidence_end_at', [versionId]);
    const shifted = rows.filter((r) => r.explanation[0]!.signal === 'pressure' && Math.abs(r.evidence_end_at.getTime() - shiftAt) <= 2 * STEP);
    expect(shifted).toHaveLength(1);
    const [entry] = shifted[0]!.explanation;
    expect(entry).toMatchObject({ signal: 'pressure', unit: 'bar' });
    expect(entry!.value - entry!.reference).toBeGreaterThan(1);
    expect(shifted[0]!.title).toMatch(/^Anomaly 0\.\d\d: pressure \d+(\.\d+)? bar where \d+(\.\d+)? bar was expected \((step|level)\)$/);
    // Normal operation raises next to nothing: at most two other insights over a day on two pumps.
    expect(rows.length - 1).toBeLessThanOrEqual(2);
  });

  it('backfills from where a new deployment was asked to start, every window through the dispatcher, none dropped', async () => {
    const prefix = testQueuePrefix();
    const connection = { url: redisUrl(), maxRetriesPerRequest: null };
    const log = pino({ level: 'silent' });
    const deps = { pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) };
    const second = await trainStreaming();
    const host = startWorkerHost({ connection, prefix, concurrency: 2, log, catalogue: MODEL_JOBS, handlers: modelHandlers(deps).handlers });
    const queues = [new Queue('inference', { connection, prefix }), new Queue('models', { connection, prefix })];
    // Small pieces: a day of five-minute windows comes in 24 pieces of 12, in jobs of at most 50.
    const relays = await startModelRelays({
      databaseUrl: url,
      role: 'threadline_app',
      pool,
      queue: (name) => (name === 'inference' ? queues[0]! : queues[1]!),
      log,
      dispatchMs: 10,
      maxWindowsPerAsset: 12,
      maxWindowsPerJob: 50,
    });
    try {
      const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!
        .id;
      const backfill = await createDeployment(
        rawSqlOf(pool),
        {
          organizationId: org,
          modelId,
          versionId: second,
          alias: null,
          edgeTargetId: cloud,
          assetId: assets.get('PMP01')!,
          mode: 'SHADOW',
          trafficShare: 1,
          scoreFrom: new Date(liveFrom),
        },
        { kind: 'SYSTEM', id: null, label: 'test' },
      );
      await waitFor('the dispatcher to lead', async () => relays.dispatcher.isLeading);
      await relays.dispatcher.reload();
      // No new data is needed: the dispatcher starts the backfill over stored telemetry when it sees the deployment.
      await waitFor('the backfill to be scored', async () => {
        await relays.dispatcher.flush();
        const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM predictions WHERE deployment_id = $1', [backfill.id]);
        return Number(rows[0]!.n) >= (end - liveFrom) / STEP;
      });
      await waitForInferenceIdle(relays.dispatcher, queues[0]!);
      const { rows } = await pool.query<{ first: Date; last: Date; n: string; distinct: string }>(
        'SELECT min(ts) AS first, max(ts) AS last, count(*) AS n, count(DISTINCT ts) AS distinct FROM predictions WHERE deployment_id = $1',
        [backfill.id],
      );
      expect(rows[0]).toEqual({
        first: new Date(liveFrom + STEP),
        last: new Date(end),
        n: String((end - liveFrom) / STEP),
        distinct: String((end - liveFrom) / STEP),
      });
    } finally {
      await relays.stop();
      await host.close();
      await Promise.all(queues.map((q) => q.close()));
      await dropQueuePrefix(prefix);
    }
  }, 180_000);

  it('scores at the edge from a signed bundle exactly as the library does on the same readings', async () => {
    const {
      rows: [version],
    } = await pool.query('SELECT v.*, m.name, m.task FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = $1', [versionId]);
    const { rows: readings } = await pool.query<{ asset: string; signal: string; t: string; value: number }>(
      `SELECT 'PMP02' AS asset, s.name AS signal, (extract(epoch FROM t.time) * 1000)::bigint AS t, t.value FROM telemetry t JOIN signals s ON s.id = t.signal_id
        WHERE s.asset_id = $1 AND t.time > $2 AND t.time <= $3 ORDER BY t.time`,
      [assets.get('PMP02'), new Date(shiftAt - 36 * HOUR), new Date(shiftAt + 2 * HOUR)],
    );
    const scored = edgeFolder(signingKey, version, { id: deploymentId, target: 'pump-edge' }, readings).score();
    expect(scored.status).toBe(0);
    const edge = edgeScores(scored.stdout);
    const names = ['pressure', 'temperature'];
    const series = new Map(names.map((name) => [name, { t: [] as number[], v: [] as number[] }]));
    for (const r of readings) {
      series.get(r.signal)!.t.push(Number(r.t));
      series.get(r.signal)!.v.push(r.value);
    }
    const library = detectWindows(new AssetDetector(names), names, series, STEP, -Infinity);
    expect(edge.size).toBe(library.size);
    for (const [end, { detection }] of library) expect(Math.abs(edge.get(`PMP02@${end}`)! - detection.score)).toBeLessThan(1e-6);
    expect(Math.max(...[...library].filter(([end]) => end >= shiftAt && end <= shiftAt + STEP).map(([, w]) => w.detection.score))).toBeGreaterThan(0.5);
  });

  it('backtests the detector against given anomaly windows: event-window scores, detections, false alarms per day', async () => {
    const system = { kind: 'SYSTEM' as const, id: null, label: 'test' };
    const request = (detector: Parameters<typeof requestBacktest>[1]['detector'], id = versionId) =>
      inTransaction(pool, (db) =>
        requestBacktest(db, { organizationId: org, versionId: id, datasetId: null, from: new Date(liveFrom - 48 * HOUR), to: new Date(end), detector }, system),
      );
    const pressure = (await pool.query<{ id: string }>("SELECT id FROM signals WHERE asset_id = $1 AND name = 'pressure'", [assets.get('PMP02')])).rows[0]!.id;
    await expect(request({ signalIds: null, labels: [{ assetId: null, start: new Date(shiftAt), end: new Date(shiftAt - HOUR) }] })).rejects.toThrow(
      /ends before it starts/,
    );
    await expect(request(undefined)).rejects.toThrow(/backtestDetector/);
    const id = await request({ signalIds: [pressure], labels: [{ assetId: assets.get('PMP02')!, start: new Date(shiftAt), end: new Date(shiftAt + HOUR) }] });
    await runBacktest({ pool, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, backtestId: id }, true);
    const {
      rows: [backtest],
    } = await pool.query('SELECT status, result, params FROM backtests WHERE id = $1', [id]);
    expect(backtest.status).toBe('SUCCEEDED');
    expect(backtest.params.signalIds).toEqual([pressure]);
    expect(backtest.result).toMatchObject({ kind: 'DETECTOR', labelsFrom: 'given', assets: 1, labels: 1, labelsFlagged: 1, labelsMissed: 0 });
    // Flagged at the shift itself, early in its event window: close to full marks.
    expect(backtest.result.eventWindowScores.standard).toBeGreaterThan(60);
    expect(backtest.result.falseAlarmsPerDay).toBeLessThan(1);
    // By its spec, without a version: the same detector on the same signal, the same figures.
    const bySpec = await inTransaction(pool, (db) =>
      requestBacktest(
        db,
        {
          organizationId: org,
          versionId: null,
          datasetId: null,
          from: new Date(liveFrom - 48 * HOUR),
          to: new Date(end),
          detector: {
            signalIds: [pressure],
            labels: [{ assetId: assets.get('PMP02')!, start: new Date(shiftAt), end: new Date(shiftAt + HOUR) }],
            spec: { stepSeconds: 300, threshold: 0.5 },
          },
        },
        system,
      ),
    );
    await runBacktest({ pool, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, backtestId: bySpec }, true);
    const {
      rows: [spec],
    } = await pool.query('SELECT status, result, model_version_id FROM backtests WHERE id = $1', [bySpec]);
    expect(spec).toMatchObject({ status: 'SUCCEEDED', model_version_id: null });
    expect(spec.result.eventWindowScores).toEqual(backtest.result.eventWindowScores);
  });
});
