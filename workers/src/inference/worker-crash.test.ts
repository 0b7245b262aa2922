// A workers process killed with SIGKILL in the middle of inference batches loses no job and writes
// no duplicate prediction: its half-done transactions roll back, BullMQ hands the stalled jobs to
// another worker once their locks lapse, and predictions are unique per window.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { prepareInferenceFixture } from '../../../scripts/test/inference-fixture.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import type { WorkerHost } from '../worker-host.ts';
import { inferenceTakeOver, spawnWorkersProcess, type WorkersProcess } from '../../../scripts/test/worker-process.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';

const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = signingKeyFromPem(pem);
const HOUR = 3_600_000;

describe('a workers process killed mid-batch', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  let pool: pg.Pool;
  let dbUrl: string;
  let queue: Queue;
  let workers: WorkersProcess | null = null;
  let host: WorkerHost | null = null;
  let versionId: string;
  let assets: string[];
  const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const from = to - 2 * HOUR;

  beforeAll(async () => {
    const db = await createTestDatabase();
    dbUrl = db.url;
    pool = createPool({ url: db.url, role: 'threadline_app', poolSize: 4 });
    // Every CNC (15) × 2 h in 6-minute batches: 20 jobs and 720 windows per asset.
    const fixture = await prepareInferenceFixture(pool, signingKey, { from, to, jobsPerAsset: 20 });
    ({ versionId, assets } = fixture);
    queue = new Queue('inference', { connection, prefix });
    await queue.addBulk(fixture.jobs as never);
  }, 120_000);

  afterAll(async () => {
    workers?.kill();
    await host?.close();
    await queue?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  const predictions = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM predictions WHERE model_version_id = $1', [versionId])).rows[0]!.n);

  it('loses no job and duplicates no prediction', async () => {
    workers = spawnWorkersProcess({ databaseUrl: dbUrl, queuePrefix: prefix, modelSigningKeyPem: pem });
    // Kill it while it is in the middle of the batches.
    const { activeAtKill } = await workers.killMidway(predictions, queue);
    expect(activeAtKill).toBeGreaterThan(0);
    const atKill = await predictions();
    expect(atKill).toBeLessThan(assets.length * 720);

    // Another worker takes over, stalled jobs included.
    host = inferenceTakeOver({ redisUrl: redisUrl(), queuePrefix: prefix, pool, signingKey });
    await waitFor('every job to complete', async () => (await queue.getJobCounts('completed')).completed === assets.length * 20, {
      timeoutMs: 90_000,
      everyMs: 100,
    });
    const counts = await queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: assets.length * 20, failed: 0 });
    const {
      rows: [stored],
    } = await pool.query<{ n: string; distinct_windows: string }>(
      'SELECT count(*) AS n, count(DISTINCT (asset_id, ts)) AS distinct_windows FROM predictions WHERE model_version_id = $1',
      [versionId],
    );
    expect(Number(stored!.n)).toBe(assets.length * 720);
    expect(stored!.distinct_windows).toBe(stored!.n);
  }, 120_000);
});
