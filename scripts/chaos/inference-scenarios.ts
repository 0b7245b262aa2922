// Chaos in inference: the workers process SIGKILLed again and again mid-work, and Redis SIGKILLed
// and restarted under it. Every job's predictions must be stored exactly once.
import { Queue } from 'bullmq';
import { prepareInferenceFixture, type InferenceFixture } from '../test/inference-fixture.ts';
import { counts, pending, serviceEnv, waitUntilDone, type ChaosContext } from './context.ts';
import { checkAuditChains, out, sleep, type Outcome } from './outcome.ts';
import { ServiceProcess } from './service-process.ts';

const HOUR = 3_600_000;
const to = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const from = to - 2 * HOUR;

async function outcome(
  context: ChaosContext,
  scenario: string,
  fixture: InferenceFixture,
  queue: Queue,
  notes: string[],
  failures: string[],
): Promise<Outcome> {
  const c = (await counts(queue))!;
  const {
    rows: [s],
  } = await context.pool.query<{ rows: number; distinct: number }>(
    'SELECT count(*)::int AS rows, count(DISTINCT (asset_id, ts))::int AS distinct FROM predictions WHERE model_version_id = $1',
    [fixture.versionId],
  );
  const result: Outcome = {
    scenario,
    sent: `${fixture.jobs.length} jobs`,
    done: `${fixture.jobs.length - pending(c) - c.failed!} done, ${c.failed} failed, ${pending(c)} pending`,
    stored: `${s!.rows} of ${fixture.expectedPredictions} predictions`,
    lost: fixture.expectedPredictions - s!.distinct,
    duplicated: s!.rows - s!.distinct,
    notes,
    failures,
  };
  await checkAuditChains(context.pool, context.pem, result);
  return result;
}

const workersFor = (context: ChaosContext, prefix: string) =>
  new ServiceProcess('workers', { ...serviceEnv(context, prefix), WORKER_LOCK_MS: '2000', INFERENCE_CONCURRENCY: '2' });

/** 2,160 inference jobs (144 per asset) while the workers process is SIGKILLed `kills` times mid-work. */
export async function workersKilledDuringInference(context: ChaosContext, kills: number): Promise<Outcome> {
  out(`${kills} SIGKILLs of the workers during inference`);
  const prefix = 'chaos-kill';
  const queue = new Queue('inference', { connection: { url: context.redis.url, maxRetriesPerRequest: null }, prefix });
  queue.on('error', () => undefined);
  const fixture = await prepareInferenceFixture(context.pool, context.signingKey, { from, to, jobsPerAsset: 144, modelName: 'chaos: killed workers' });
  await queue.addBulk(fixture.jobs as never);
  const workers = workersFor(context, prefix);
  const finished = async () => fixture.jobs.length - pending((await counts(queue))!);
  let killedWhileActive = 0;
  for (let kill = 0; kill < kills; kill += 1) {
    const before = await finished();
    workers.start();
    const until = Date.now() + 30_000;
    while (Date.now() < until && (await finished()) < before + 15) await sleep(50);
    await sleep(Math.random() * 300);
    if (((await counts(queue))!.active ?? 0) > 0) killedWhileActive += 1;
    await workers.kill();
    out(`  kill ${kill + 1}/${kills}: ${await finished()} of ${fixture.jobs.length} jobs finished`);
  }
  workers.start();
  const done = await waitUntilDone(queue, fixture.jobs.length, 300_000);
  await workers.kill('SIGTERM');
  const result = await outcome(
    context,
    `workers SIGKILLed ${kills} times during inference`,
    fixture,
    queue,
    [`${killedWhileActive} kills with jobs active`],
    done ? [] : ['not finished in 300 s'],
  );
  await queue.close();
  return result;
}

/** Redis SIGKILLed (AOF, appendfsync everysec) and restarted while the workers score: they must resume by themselves within 30 s. */
export async function redisRestartedDuringInference(context: ChaosContext): Promise<Outcome> {
  out('Redis SIGKILLed and restarted during inference');
  const prefix = 'chaos-redis';
  const queue = new Queue('inference', { connection: { url: context.redis.url, maxRetriesPerRequest: null }, prefix });
  queue.on('error', () => undefined);
  const fixture = await prepareInferenceFixture(context.pool, context.signingKey, { from, to, jobsPerAsset: 48, modelName: 'chaos: redis restart' });
  await queue.addBulk(fixture.jobs as never);
  await sleep(1_500); // past appendfsync everysec: the enqueued jobs are on disk
  const workers = workersFor(context, prefix);
  workers.start();
  for (;;) {
    const c = await counts(queue);
    if (c && fixture.jobs.length - pending(c) >= fixture.jobs.length / 4) break;
    await sleep(50);
  }
  await context.redis.kill();
  await sleep(3_000);
  await context.redis.restart();
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
  const done = await waitUntilDone(queue, fixture.jobs.length, 300_000);
  await workers.kill('SIGTERM');
  const failures = [...(resumedMs < 0 || resumedMs > 30_000 ? ['did not resume within 30 s'] : []), ...(done ? [] : ['not finished in 300 s'])];
  const result = await outcome(
    context,
    'Redis SIGKILLed and restarted during inference',
    fixture,
    queue,
    [resumedMs < 0 ? 'did not resume within 60 s' : `resumed ${(resumedMs / 1000).toFixed(1)} s after Redis was back (goal < 30 s)`],
    failures,
  );
  await queue.close();
  return result;
}
