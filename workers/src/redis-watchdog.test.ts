// A Redis restart does not stop the workers for good: with Redis killed and started again on the
// same port (its own server here, not the machine's shared one), the watchdog notices the outage,
// says so, replaces the workers once Redis answers again, and a job enqueued afterwards is done
// within 30 s. (BullMQ 6 reconnects by itself in this scenario; the watchdog is for the cases where
// its workers stay disconnected.)
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { telemetryRollupJob } from './queues/catalogue.ts';
import { startWorkerHost, type WorkerHost } from './worker-host.ts';

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  await probe.connect().catch(() => undefined);
  await probe.ping();
  probe.disconnect();
  return child;
}

const stopRedis = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGKILL');
});

describe('the Redis watchdog', () => {
  let redis: ChildProcess | undefined;
  let host: WorkerHost | undefined;
  let queue: Queue | undefined;
  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await host?.close().catch(() => undefined);
    if (redis) await stopRedis(redis);
  });

  it('replaces the workers after Redis restarts, so jobs are done again within 30 s', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    redis = await startRedis(port);
    const done: string[] = [];
    const logged: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write(chunk, _encoding, next) { logged.push(String((JSON.parse(String(chunk)) as { msg: string }).msg)); next(); } }));
    const connection = { url, maxRetriesPerRequest: null };
    host = startWorkerHost({
      connection, prefix: 'tl-watchdog', concurrency: 1, log, catalogue: [telemetryRollupJob as never], watchdogMs: 1_000,
      handlers: { [telemetryRollupJob.name]: async (_payload: never, job) => { done.push(job.id!); } },
    });
    queue = new Queue(telemetryRollupJob.queue, { connection, prefix: 'tl-watchdog' });
    queue.on('error', () => undefined);
    const original = host.workers[0];
    await queue.add(telemetryRollupJob.name, {}, { jobId: 'before' });
    await expect.poll(() => done, { timeout: 10_000 }).toContain('before');

    await stopRedis(redis);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    redis = await startRedis(port);
    const restartedAt = Date.now();
    await queue.add(telemetryRollupJob.name, {}, { jobId: 'after' });
    await expect.poll(() => done, { timeout: 30_000, interval: 250 }).toContain('after');
    expect(logged).toContain('Redis does not answer; the queue workers will be replaced once it does');
    await expect.poll(() => logged, { timeout: 10_000 }).toContain('Redis is back after an outage; replacing the queue workers');
    expect(host.workers[0]).not.toBe(original);
    process.stdout.write(`job done ${Date.now() - restartedAt} ms after Redis came back\n`);
  }, 60_000);
});
