// A Redis restart does not stop the workers for good: with Redis killed and started again on the
// same port (a server of its own, not the machine's shared one), the watchdog notices the outage,
// says so, replaces the workers once Redis answers again, and a job enqueued afterwards is done
// within 30 s. (BullMQ 6 reconnects by itself in this scenario; the watchdog is for the cases where
// its workers stay disconnected.)
import { Queue } from 'bullmq';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { PrivateRedis } from '../../scripts/test/private-redis.ts';
import { telemetryRollupJob } from '@threadline/db/jobs';
import { startWorkerHost, type WorkerHost } from './worker-host.ts';

describe('the Redis watchdog', () => {
  let redis: PrivateRedis | undefined;
  let host: WorkerHost | undefined;
  let queue: Queue | undefined;
  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await host?.close().catch(() => undefined);
    await redis?.stop();
  });

  it('replaces the workers after Redis restarts, so jobs are done again within 30 s', async () => {
    redis = await PrivateRedis.start();
    const { url } = redis;
    const done: string[] = [];
    const logged: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, next) {
          logged.push(String((JSON.parse(String(chunk)) as { msg: string }).msg));
          next();
        },
      }),
    );
    const connection = { url, maxRetriesPerRequest: null };
    host = startWorkerHost({
      connection,
      prefix: 'tl-watchdog',
      concurrency: 1,
      log,
      catalogue: [telemetryRollupJob as never],
      watchdogMs: 1_000,
      handlers: {
        [telemetryRollupJob.name]: async (_payload: never, job) => {
          done.push(job.id!);
        },
      },
    });
    queue = new Queue(telemetryRollupJob.queue, { connection, prefix: 'tl-watchdog' });
    queue.on('error', () => undefined);
    const original = host.workers[0];
    await queue.add(telemetryRollupJob.name, {}, { jobId: 'before' });
    await expect.poll(() => done, { timeout: 10_000 }).toContain('before');

    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await redis.restart();
    const restartedAt = Date.now();
    await queue.add(telemetryRollupJob.name, {}, { jobId: 'after' });
    await expect.poll(() => done, { timeout: 30_000, interval: 250 }).toContain('after');
    expect(logged).toContain('Redis does not answer; the queue workers will be replaced once it does');
    await expect.poll(() => logged, { timeout: 10_000 }).toContain('Redis is back after an outage; replacing the queue workers');
    expect(host.workers[0]).not.toBe(original);
    process.stdout.write(`job done ${Date.now() - restartedAt} ms after Redis came back\n`);
  }, 120_000);
});
