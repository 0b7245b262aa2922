// A workers process killed with SIGKILL while a streaming detector scores a backfill loses nothing
// it learnt: its half-done transactions roll back with the state they would have saved, another
// worker takes the stalled jobs over from the state in the database, and every window's score is
// the one an uninterrupted detector gives on the same samples, each stored once.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { inferenceJob } from '@threadline/db/jobs';
import { createDeployment } from '@threadline/db/models/deployments';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { registerVersion } from '@threadline/db/models/registry';
import { streamingArtifact } from '@threadline/db/models/streaming-spec';
import { inTransaction } from '@threadline/db/sql';
import { EventIngest } from '@threadline/db/telemetry/events';
import { loadSeries } from '@threadline/db/telemetry/feature-series';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { cncFeatureSpec } from '../../../scripts/test/hand-made-versions.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { AssetDetector, DETECTOR_SETTINGS } from '../ml/streaming-detector.ts';
import { detectWindows } from '../ml/streaming-windows.ts';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario } from '../simulator/scenario.ts';
import type { WorkerHost } from '../worker-host.ts';
import { inferenceTakeOver, spawnWorkersProcess, type WorkersProcess } from '../../../scripts/test/worker-process.ts';
import { STREAMING_WARMUP_MS } from '../processors/streaming-inference.ts';

const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = signingKeyFromPem(pem);
const HOUR = 3_600_000;
const STEP = 60_000;
const JOBS_PER_ASSET = 12;
const system = { kind: 'SYSTEM' as const, id: null, label: 'streaming-crash' };

describe('a workers process killed while a streaming detector scores', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  let pool: pg.Pool;
  let dbUrl: string;
  let org: string;
  let queue: Queue;
  let workers: WorkersProcess | null = null;
  let host: WorkerHost | null = null;
  let versionId: string;
  let spec: FeatureSpec;
  const assets: string[] = [];
  const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const from = to - 4 * HOUR;

  beforeAll(async () => {
    dbUrl = (await createTestDatabase()).url;
    pool = createPool({ url: dbUrl, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.startsWith('LEJ-L1-CNC'));
    await backfillScenario({
      ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
      events: new EventIngest(pool),
      organizationId: org,
      scenario: new Scenario(3),
      signals,
      from: from - STREAMING_WARMUP_MS,
      to,
      stepMs: 10_000,
    });
    const cnc = await cncFeatureSpec(pool, org);
    spec = {
      version: 1,
      detector: 'STREAMING',
      windowSeconds: 60,
      stepSeconds: 60,
      signals: cnc.spec.signals,
      aggregates: ['last'],
      reference: cnc.spec.signals.map(() => 0),
    };
    const modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Spindle anomalies', 'ANOMALY_DETECTION', $2) RETURNING id",
        [org, cnc.assetTypeId],
      )
    ).rows[0]!.id;
    const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!.id;
    const deploymentId = await inTransaction(pool, async (db) => {
      const version = await registerVersion(
        db,
        {
          organizationId: org,
          modelId,
          family: 'STREAMING',
          onnx: streamingArtifact(
            spec.signals.map((s) => s.name),
            DETECTOR_SETTINGS,
          ),
          featureSpec: spec,
          threshold: 0.5,
          metrics: {},
          referenceProfile: {},
        },
        signingKey,
        system,
      );
      versionId = version.id;
      const deployment = await createDeployment(
        db,
        {
          organizationId: org,
          modelId,
          versionId: version.id,
          alias: null,
          edgeTargetId: cloud,
          assetId: null,
          mode: 'SHADOW',
          trafficShare: 1,
          scoreFrom: new Date(from),
        },
        system,
      );
      return deployment.id;
    });
    const codes = [...new Set(signals.map((s) => s.assetCode))];
    assets.push(...(await pool.query<{ id: string }>('SELECT id FROM assets WHERE code = ANY($1) ORDER BY code', [codes])).rows.map((r) => r.id));
    // Each asset's four hours in 20-minute jobs, queued in order, several running at once.
    const slice = (to - from) / JOBS_PER_ASSET;
    queue = new Queue('inference', { connection, prefix });
    await queue.addBulk(
      assets.flatMap((assetId) =>
        Array.from({ length: JOBS_PER_ASSET }, (_, i) => ({
          name: inferenceJob.name,
          data: { organizationId: org, deploymentId, windows: [{ assetId, after: from + i * slice, upTo: from + (i + 1) * slice }] },
          opts: { ...inferenceJob.options, jobId: `${deploymentId}-${assetId}-${i}` },
        })),
      ) as never,
    );
  }, 180_000);

  afterAll(async () => {
    workers?.kill();
    await host?.close();
    await queue?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  const predictions = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM predictions WHERE model_version_id = $1', [versionId])).rows[0]!.n);

  it('goes on from the saved state: every window scored once, as an uninterrupted detector scores it', async () => {
    workers = spawnWorkersProcess({ databaseUrl: dbUrl, queuePrefix: prefix, modelSigningKeyPem: pem });
    await workers.killMidway(predictions, queue);
    expect(await predictions()).toBeLessThan(assets.length * ((to - from) / STEP));

    host = inferenceTakeOver({ redisUrl: redisUrl(), queuePrefix: prefix, pool, signingKey });
    // The killed process's dispatcher may have queued the deployment's backfill as well: more jobs over the same samples.
    await waitFor(
      'every job to complete',
      async () => {
        const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'delayed');
        return counts.completed! >= assets.length * JOBS_PER_ASSET && counts.waiting === 0 && counts.active === 0 && counts.delayed === 0;
      },
      {
        timeoutMs: 90_000,
        everyMs: 100,
      },
    );
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    const names = spec.signals.map((s) => s.name);
    for (const assetId of assets) {
      const { rows } = await pool.query<{ t: string; score: number }>(
        'SELECT (extract(epoch FROM ts) * 1000)::bigint AS t, score FROM predictions WHERE model_version_id = $1 AND asset_id = $2 ORDER BY ts',
        [versionId, assetId],
      );
      const series = (await loadSeries(pool, org, [{ assetId, after: from - STREAMING_WARMUP_MS, upTo: to }], names)).get(assetId)!;
      const uninterrupted = detectWindows(new AssetDetector(names), names, series, STEP, from);
      expect(rows.map((r) => Number(r.t))).toEqual([...uninterrupted.keys()]);
      rows.forEach((r) => expect(r.score).toBeCloseTo(uninterrupted.get(Number(r.t))!.detection.score, 6));
    }
  }, 180_000);
});
