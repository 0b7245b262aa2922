// A workers process killed with SIGKILL in the middle of inference batches loses no job and writes
// no duplicate prediction: its half-done transactions roll back, BullMQ hands the stalled jobs to
// another worker once their locks lapse, and predictions are unique per window.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSqlOf } from '@threadline/db/audit/audit-log';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { cncFeatureSpec, HAND_MADE_STEP_MS, registerHandMadeVersion } from '../../../scripts/test/hand-made-versions.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { modelHandlers } from '../model-workers.ts';
import { inferenceJob } from '../queues/catalogue.ts';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario } from '../simulator/scenario.ts';
import { startWorkerHost, type WorkerHost } from '../worker-host.ts';

const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = signingKeyFromPem(pem);
const system = { kind: 'SYSTEM' as const, id: null, label: 'test' };
const HOUR = 3_600_000;

describe('a workers process killed mid-batch', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  let pool: pg.Pool;
  let dbUrl: string;
  let queue: Queue;
  let child: ChildProcess | null = null;
  let host: WorkerHost | null = null;
  let deploymentId: string;
  let versionId: string;
  let assets: string[];
  const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const from = to - 2 * HOUR;

  beforeAll(async () => {
    const db = await createTestDatabase();
    dbUrl = db.url;
    pool = createPool({ url: db.url, role: 'threadline_app', poolSize: 4 });
    const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
    const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
    await backfillScenario({ ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)), events: new EventIngest(pool), organizationId: org, scenario: new Scenario(1), signals, from: from - HOUR, to, stepMs: HAND_MADE_STEP_MS });
    const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
    const modelId = (await pool.query<{ id: string }>("INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'crash test', 'FAILURE_RISK', $2) RETURNING id", [org, assetTypeId])).rows[0]!.id;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      versionId = await registerHandMadeVersion(client, signingKey, { organizationId: org, id: modelId, spec, scale }, 0.5, -1, 0.99);
      const { rows: [cloud] } = await client.query<{ id: string }>("SELECT id FROM edge_targets WHERE name = 'cloud-inference'");
      deploymentId = (await createDeployment(rawSqlOf(client), { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud!.id, assetId: null, mode: 'CHAMPION', trafficShare: 1 }, system)).id;
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    assets = (await pool.query<{ id: string }>('SELECT id FROM assets WHERE asset_type_id = $1', [assetTypeId])).rows.map((r) => r.id);
    queue = new Queue('inference', { connection, prefix });
    // Every CNC (15) × 2 h in 6-minute batches: 20 jobs and 720 windows per asset.
    const jobs = assets.flatMap((assetId) => Array.from({ length: 20 }, (_, i) => {
      const windows = [{ assetId, after: from + i * 6 * 60_000, upTo: from + (i + 1) * 6 * 60_000 }];
      return { name: inferenceJob.name, data: { organizationId: org, deploymentId, windows }, opts: { ...inferenceJob.options, jobId: `${deploymentId}-${assetId}-${i}` } };
    }));
    await queue.addBulk(jobs);
  }, 120_000);

  afterAll(async () => {
    killGroup(child);
    await host?.close();
    await queue?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  /** SIGKILL to the worker's whole process group (tsx and the node process it runs). */
  const killGroup = (process_: ChildProcess | null) => {
    if (process_?.pid) try { process.kill(-process_.pid, 'SIGKILL'); } catch { /* already gone */ }
  };

  const predictions = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM predictions WHERE model_version_id = $1', [versionId])).rows[0]!.n);

  it('loses no job and duplicates no prediction', async () => {
    child = spawn(fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url)), ['src/main.ts'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, DATABASE_URL: dbUrl, QUEUE_PREFIX: prefix, MQTT_URL: '', OPCUA_ENDPOINT: '', MODEL_SIGNING_KEY: pem, LOG_LEVEL: 'silent', WORKER_LOCK_MS: '2000', INFERENCE_CONCURRENCY: '2', NODE_ENV: 'test' },
      stdio: 'ignore',
      // Its own process group: tsx runs the worker in a child process, and both must die.
      detached: true,
    });
    // Kill it while it is in the middle of the batches.
    let activeAtKill = 0;
    for (let i = 0; i < 600; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      const [done, counts] = await Promise.all([predictions(), queue.getJobCounts('active', 'completed')]);
      if (done > 0 && counts.active! > 0) {
        killGroup(child);
        activeAtKill = counts.active!;
        break;
      }
    }
    expect(activeAtKill).toBeGreaterThan(0);
    await new Promise((r) => child!.once('exit', r));
    const atKill = await predictions();
    expect(atKill).toBeLessThan(assets.length * 720);

    // Another worker takes over, stalled jobs included.
    host = startWorkerHost({
      connection, prefix, concurrency: 2, lockDurationMs: 2_000, log: pino({ level: 'silent' }), catalogue: [inferenceJob as never],
      handlers: { [inferenceJob.name]: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }).handlers[inferenceJob.name]! },
    });
    for (let i = 0; i < 600; i += 1) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      if (counts.completed === assets.length * 20) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const counts = await queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: assets.length * 20, failed: 0 });
    const { rows: [stored] } = await pool.query<{ n: string; distinct_windows: string }>(
      'SELECT count(*) AS n, count(DISTINCT (asset_id, ts)) AS distinct_windows FROM predictions WHERE model_version_id = $1', [versionId]);
    expect(Number(stored!.n)).toBe(assets.length * 720);
    expect(stored!.distinct_windows).toBe(stored!.n);
  }, 120_000);
});
