// `npm run chaos`: faults on purpose, bounded in count and time, loopback only, on a database and a
// Redis of its own (Redis with AOF, appendfsync everysec, on a free port). Each scenario prints what
// was sent, done and stored, and what was lost or duplicated; both must be 0, or the run fails.
//   1. 2,160 inference jobs while the workers process is SIGKILLed 20 times mid-work.
//   2. Redis SIGKILLed and restarted while the workers score: they resume by themselves (< 30 s).
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { Queue } from 'bullmq';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createSeededDatabase } from '../test/seeded-database.ts';
import { prepareInferenceFixture, type InferenceFixture } from '../test/inference-fixture.ts';
import { PrivateRedis } from '../test/private-redis.ts';
import { ServiceProcess } from './service-process.ts';

const HOUR = 3_600_000;
const KILLS = Number(process.env.CHAOS_KILLS ?? 20);
const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome { scenario: string; sent: string; done: string; stored: number; expected: number; lost: number; duplicated: number; note: string }

const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = signingKeyFromPem(pem);
const database = await createSeededDatabase();
const redis = await PrivateRedis.start();
const pool = createPool({ url: database.url, role: 'threadline_app', poolSize: 4 });
const outcomes: Outcome[] = [];
const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const from = to - 2 * HOUR;

const counts = async (queue: Queue) => queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized').catch(() => null);
/** Jobs not finished yet (completed ones are trimmed by removeOnComplete, so they are not counted). */
const pending = (c: Record<string, number>) => c.active! + c.waiting! + c.delayed! + c.prioritized!;

/** Predictions of the fixture's version: stored, and distinct windows. */
async function stored(fixture: InferenceFixture): Promise<{ rows: number; distinct: number }> {
  const { rows: [r] } = await pool.query<{ rows: number; distinct: number }>(
    'SELECT count(*)::int AS rows, count(DISTINCT (asset_id, ts))::int AS distinct FROM predictions WHERE model_version_id = $1', [fixture.versionId]);
  return r!;
}

async function waitUntilDone(queue: Queue, total: number, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  let reported = started;
  while (Date.now() < started + timeoutMs) {
    const c = await counts(queue);
    if (c && pending(c) === 0) return true;
    if (c && Date.now() - reported > 15_000) {
      reported = Date.now();
      out(`  ${total - pending(c)} of ${total} jobs finished after ${Math.round((reported - started) / 1000)} s`);
    }
    await sleep(250);
  }
  return false;
}

async function outcome(scenario: string, fixture: InferenceFixture, queue: Queue, note: string): Promise<Outcome> {
  const c = (await counts(queue))!;
  const s = await stored(fixture);
  return {
    scenario, sent: `${fixture.jobs.length} jobs`, done: `${fixture.jobs.length - pending(c) - c.failed!} done, ${c.failed} failed, ${pending(c)} pending`, stored: s.rows, expected: fixture.expectedPredictions,
    lost: fixture.expectedPredictions - s.distinct, duplicated: s.rows - s.distinct, note,
  };
}

try {
  // 1. The workers process SIGKILLed mid-work, again and again.
  {
    out(`1. ${KILLS} SIGKILLs of the workers during inference`);
    const prefix = 'chaos-kill';
    const queue = new Queue('inference', { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix });
    queue.on('error', () => undefined);
    const fixture = await prepareInferenceFixture(pool, signingKey, { from, to, jobsPerAsset: 144, modelName: 'chaos: killed workers' });
    await queue.addBulk(fixture.jobs as never);
    const workers = new ServiceProcess('workers', { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, MODEL_SIGNING_KEY: pem, WORKER_LOCK_MS: '2000', INFERENCE_CONCURRENCY: '2' });
    let killedWhileActive = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const finished = async () => fixture.jobs.length - pending((await counts(queue))!);
      const before = await finished();
      workers.start();
      const until = Date.now() + 30_000;
      while (Date.now() < until && (await finished()) < before + 15) await sleep(50);
      await sleep(Math.random() * 300);
      if (((await counts(queue))!.active ?? 0) > 0) killedWhileActive += 1;
      await workers.kill();
      out(`  kill ${kill + 1}/${KILLS}: ${fixture.jobs.length - pending((await counts(queue))!)} of ${fixture.jobs.length} jobs finished`);
    }
    workers.start();
    const finished = await waitUntilDone(queue, fixture.jobs.length, 300_000);
    await workers.kill('SIGTERM');
    outcomes.push(await outcome(`workers SIGKILLed ${KILLS} times during inference`, fixture, queue, `${killedWhileActive} kills with jobs active${finished ? '' : '; NOT FINISHED in 300 s'}`));
    await queue.close();
  }

  // 2. Redis killed and restarted while the workers score.
  {
    out('2. Redis SIGKILLed and restarted during inference');
    const prefix = 'chaos-redis';
    const queue = new Queue('inference', { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix });
    queue.on('error', () => undefined);
    const fixture = await prepareInferenceFixture(pool, signingKey, { from, to, jobsPerAsset: 48, modelName: 'chaos: redis restart' });
    await queue.addBulk(fixture.jobs as never);
    await sleep(1_500); // past appendfsync everysec: the enqueued jobs are on disk
    const workers = new ServiceProcess('workers', { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, MODEL_SIGNING_KEY: pem, WORKER_LOCK_MS: '2000', INFERENCE_CONCURRENCY: '2' });
    workers.start();
    for (;;) {
      const c = await counts(queue);
      if (c && fixture.jobs.length - pending(c) >= fixture.jobs.length / 4) break;
      await sleep(50);
    }
    await redis.kill();
    await sleep(3_000);
    await redis.restart();
    const back = Date.now();
    const first = await counts(queue);
    const before = first ? pending(first) : fixture.jobs.length;
    let resumedMs = -1;
    while (Date.now() - back < 60_000) {
      const c = await counts(queue);
      if (c && pending(c) < before) {
        resumedMs = Date.now() - back;
        break;
      }
      await sleep(100);
    }
    const finished = await waitUntilDone(queue, fixture.jobs.length, 300_000);
    await workers.kill('SIGTERM');
    outcomes.push(await outcome('Redis SIGKILLed and restarted during inference', fixture, queue,
      `${resumedMs < 0 ? 'did NOT resume within 60 s' : `resumed ${(resumedMs / 1000).toFixed(1)} s after Redis was back`} (goal < 30 s)${finished ? '' : '; NOT FINISHED in 300 s'}`));
    if (resumedMs < 0 || resumedMs > 30_000) outcomes.at(-1)!.note += ' FAILED';
    await queue.close();
  }
} finally {
  await pool.end();
  await redis.stop();
  await database.drop();
}

out('');
for (const o of outcomes) {
  out(`${o.scenario}\n  sent ${o.sent}; ${o.done}; predictions stored ${o.stored} of ${o.expected}; lost ${o.lost}, duplicated ${o.duplicated}; ${o.note}`);
}
const failed = outcomes.filter((o) => o.lost !== 0 || o.duplicated !== 0 || /NOT|FAILED/.test(o.note));
out(`chaos: ${outcomes.length - failed.length} of ${outcomes.length} scenarios kept every point and job exactly once${failed.length > 0 ? `; FAILED: ${failed.map((o) => o.scenario).join('; ')}` : ''}`);
process.exit(failed.length > 0 ? 1 : 0);
