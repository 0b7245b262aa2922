// The queues on a Redis Cluster of 3 masters and 3 replicas (servers of the test's own): every key
// of the queues lands in the one slot of the hash-tagged prefix, jobs keep being done through a
// manual failover of that slot's master while they run, and after its master is killed outright
// the watchdog notices, a replica is elected, and jobs enqueued afterwards are done.
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telemetryRollupJob } from '@threadline/db/jobs';
import { PrivateRedisCluster } from '../../scripts/test/private-redis-cluster.ts';
import { waitFor } from '../../scripts/test/wait-for.ts';
import { checkNoEviction } from './redis-policy.ts';
import { queueConnection, queuePrefix, redisTarget, type RedisTarget } from './redis-target.ts';
import { startWorkerHost, type WorkerHost } from './worker-host.ts';

describe('queues on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let target: RedisTarget;
  let host: WorkerHost | undefined;
  let queue: Queue | undefined;
  const done = new Map<string, number>();
  const logged: string[] = [];
  const prefix = () => queuePrefix(target, 'tl-cluster');

  beforeAll(async () => {
    cluster = await PrivateRedisCluster.start();
    target = redisTarget('redis://unused', cluster.seeds);
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, next) {
          logged.push(String((JSON.parse(String(chunk)) as { msg: string }).msg));
          next();
        },
      }),
    );
    const connection = queueConnection(target);
    host = startWorkerHost({
      connection,
      redis: target,
      prefix: prefix(),
      concurrency: 4,
      log,
      catalogue: [telemetryRollupJob as never],
      watchdogMs: 500,
      handlers: {
        [telemetryRollupJob.name]: async (_payload: never, job) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          done.set(job.id!, (done.get(job.id!) ?? 0) + 1);
        },
      },
    });
    queue = new Queue(telemetryRollupJob.queue, { connection, prefix: prefix() });
    queue.on('error', () => undefined);
  }, 120_000);
  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await host?.close().catch(() => undefined);
    await cluster?.stop();
  });

  it('is checked for noeviction on every master, and takes the prefix as a hash tag', async () => {
    expect(prefix()).toBe('{tl-cluster}');
    expect(await checkNoEviction(target)).toBe('ok');
  });

  it('does every job through a failover of the queues’ master while they run, with every key in one slot', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `job-${i}`);
    const { master, replica } = await cluster.shardOf(prefix());
    await queue!.addBulk(ids.slice(0, 200).map((jobId) => ({ name: telemetryRollupJob.name, data: {}, opts: { jobId } })));
    await waitFor('some jobs to be done', () => done.size >= 20, { timeoutMs: 60_000 });
    await cluster.failover(replica);
    await queue!.addBulk(ids.slice(200).map((jobId) => ({ name: telemetryRollupJob.name, data: {}, opts: { jobId } })));
    await waitFor('every job to be done', () => ids.every((id) => done.has(id)), { timeoutMs: 120_000, everyMs: 100 });
    expect((await cluster.shardOf(prefix())).master).toBe(replica);
    expect(master).not.toBe(replica);

    const client = new Cluster(cluster.nodes);
    await new Promise((resolve) => client.once('ready', resolve));
    try {
      const keys = (await Promise.all(client.nodes('master').map((node) => node.keys('*')))).flat();
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.startsWith('{tl-cluster}:'))).toBe(true);
    } finally {
      client.disconnect();
    }
  }, 240_000);

  it('survives its master killed outright: the watchdog notices, a replica is elected, and later jobs are done', async () => {
    const { master } = await cluster.shardOf(prefix());
    await cluster.kill(master);
    await waitFor('the watchdog to notice', () => logged.includes('Redis does not answer; the queue workers will be replaced once it does'), {
      timeoutMs: 60_000,
    });
    await waitFor('a replica to take the slot', async () => (await cluster.shardOf(prefix()).catch(() => null))?.master !== master, { timeoutMs: 60_000 });
    await waitFor('the watchdog to replace the workers', () => logged.includes('Redis is back after an outage; replacing the queue workers'), {
      timeoutMs: 60_000,
    });
    await queue!.add(telemetryRollupJob.name, {}, { jobId: 'after-kill' });
    await waitFor('the job enqueued after the election to be done', () => done.has('after-kill'), { timeoutMs: 60_000 });
  }, 240_000);
});
