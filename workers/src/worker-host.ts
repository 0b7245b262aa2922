// Runs one BullMQ worker per queue of the catalogue and dispatches each job to its handler. Refuses to start when
// a catalogue job has no handler, or a handler names no catalogue job; rejects a payload that
// breaks its schema without retrying it. A watchdog pings Redis and, once Redis answers again
// after an outage (a restart, a failover), replaces the workers: BullMQ workers are known to stay
// disconnected after a Redis restart, and a killed job is retried by its lock anyway. A job that
// fails for good, also where no handler saw its end (it stalled more often than allowed, its
// workers killed each time), is passed to its give-up handler, which records the failure.
import { Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { probeClient, type RedisTarget } from './redis-target.ts';
import type { Logger } from 'pino';
import { JOB_CATALOGUE, QUEUE_NAMES, splitTrace, type JobDefinition, type QueueName } from '@threadline/db/jobs';
import type { PipelineMetrics } from '@threadline/db/observability/metrics';
import { contextFrom, inSpan } from '@threadline/db/observability/tracing';

export type Handler = (payload: never, job: Job) => Promise<unknown>;
/** Called once a job has failed for good (idempotent: every workers process may call it). */
export type GiveUpHandler = (payload: never, reason: string) => Promise<void>;

export interface WorkerHostOptions {
  connection: ConnectionOptions;
  prefix: string;
  /** Jobs run at once per queue: one number for every queue, or per queue. */
  concurrency: number | Partial<Record<QueueName, number>>;
  /** How long a job's lock lasts without renewal; a killed worker's jobs run again after it. */
  lockDurationMs?: number;
  /** How often a job may stall (its worker died) and run again before BullMQ fails it; BullMQ's own default is 1. */
  maxStalls?: number;
  handlers: Record<string, Handler>;
  /** Per job name: what to record when a job of it fails for good. */
  onGiveUp?: Record<string, GiveUpHandler>;
  log: Logger;
  catalogue?: readonly JobDefinition<unknown>[];
  /** How often the watchdog pings Redis (0: no watchdog). */
  watchdogMs?: number;
  /** The Redis (or cluster) the watchdog checks; the connection's URL when left out. */
  redis?: RedisTarget;
  /** Where each job's duration is counted. */
  metrics?: PipelineMetrics;
}

const DEFAULT_WATCHDOG_MS = 5_000;
/** Idempotent jobs may run again after a few worker deaths (a deploy, an OOM kill) before they count as poison. */
const DEFAULT_MAX_STALLS = 5;

export interface WorkerHost {
  workers: Worker[];
  /** The queues it works, one per queue name of the catalogue. */
  queues: Queue[];
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export function checkHandlers(catalogue: readonly JobDefinition<unknown>[], handlers: Record<string, Handler>): void {
  const names = catalogue.map((j) => j.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) throw new Error(`Job catalogue names ${duplicates.join(', ')} more than once.`);
  const missing = names.filter((n) => !handlers[n]);
  if (missing.length > 0) throw new Error(`No handler for job(s) ${missing.join(', ')}; workers refuse to start.`);
  const unknown = Object.keys(handlers).filter((n) => !(names as string[]).includes(n));
  if (unknown.length > 0) throw new Error(`Handler(s) for unknown job(s) ${unknown.join(', ')}; add them to the catalogue.`);
}

export function startWorkerHost(options: WorkerHostOptions): WorkerHost {
  const catalogue = options.catalogue ?? JOB_CATALOGUE;
  checkHandlers(catalogue, options.handlers);
  const queues = new Map<QueueName, Queue>();
  const used = QUEUE_NAMES.filter((name) => catalogue.some((job) => job.queue === name));
  const concurrencyOf = (name: QueueName) => (typeof options.concurrency === 'number' ? options.concurrency : (options.concurrency[name] ?? 1));
  const lock = options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {};
  for (const queueName of used) queues.set(queueName, new Queue(queueName, { connection: options.connection, prefix: options.prefix }));
  const startWorker = (queueName: QueueName) => {
    const worker = new Worker(
      queueName,
      async (job) => {
        const definition = catalogue.find((d) => d.name === job.name && d.queue === queueName);
        if (!definition) throw new UnrecoverableError(`Job ${job.name} is not in the catalogue of queue ${queueName}.`);
        const { payload, trace } = splitTrace(job.data);
        const parsed = definition.payload.safeParse(payload);
        if (!parsed.success) throw new UnrecoverableError(`Job ${job.name} has an invalid payload: ${parsed.error.message}`);
        const attributes = {
          'threadline.queue': queueName,
          'threadline.job': job.name,
          'threadline.job_id': String(job.id),
          'threadline.attempt': job.attemptsMade + 1,
        };
        // The job goes on with the trace it carries (the ingest, the outbox row that asked for it); a job without one may start its own.
        return inSpan(`job ${job.name}`, { kind: 'CONSUMER', parent: contextFrom(trace), links: trace?.links ?? [], attributes }, async () => {
          const log = options.log.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
          const started = performance.now();
          log.debug('job started');
          try {
            const result = await options.handlers[job.name]!(parsed.data as never, job);
            options.metrics?.observeJob(queueName, job.name, 'completed', (performance.now() - started) / 1000);
            log.debug('job done');
            return result;
          } catch (error) {
            options.metrics?.observeJob(queueName, job.name, 'failed', (performance.now() - started) / 1000);
            throw error;
          }
        });
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: concurrencyOf(queueName),
        maxStalledCount: options.maxStalls ?? DEFAULT_MAX_STALLS,
        ...lock,
      },
    );
    worker.on('failed', (job, err) => options.log.warn({ jobId: job?.id, job: job?.name, err }, 'job failed'));
    worker.on('error', (err) => options.log.error({ err }, 'worker error'));
    return worker;
  };
  const workers = used.map(startWorker);
  const giveUps = watchGiveUps(options, catalogue, used, (name) => queues.get(name)!);
  const watchdog = watchRedis(options, async () => {
    options.log.warn('Redis is back after an outage; replacing the queue workers');
    const old = workers.splice(0, workers.length, ...used.map(startWorker));
    await Promise.all(old.map((w) => w.close(true).catch((err: unknown) => options.log.warn({ err }, 'closing a stale worker failed'))));
  });
  return {
    workers,
    queues: [...queues.values()],
    queue: (name) => queues.get(name)!,
    async close() {
      watchdog.stop();
      await Promise.all(giveUps.map((events) => events.close()));
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

/** Listens for jobs failed for good on the queues whose jobs have give-up handlers, and calls them. */
function watchGiveUps(
  options: WorkerHostOptions,
  catalogue: readonly JobDefinition<unknown>[],
  used: QueueName[],
  queue: (name: QueueName) => Queue,
): QueueEvents[] {
  const handled = catalogue.filter((job) => options.onGiveUp?.[job.name]);
  return used
    .filter((name) => handled.some((job) => job.queue === name))
    .map((queueName) => {
      const events = new QueueEvents(queueName, { connection: options.connection, prefix: options.prefix });
      events.on('error', (err) => options.log.warn({ err, queue: queueName }, 'listening for failed jobs failed'));
      events.on('failed', ({ jobId, failedReason }) => {
        void (async () => {
          const job = await queue(queueName).getJob(jobId);
          if (!job || (await job.getState()) !== 'failed') return;
          const definition = handled.find((d) => d.name === job.name && d.queue === queueName);
          const payload = definition?.payload.safeParse(splitTrace(job.data).payload);
          if (!definition || !payload?.success) return;
          await options.onGiveUp![definition.name]!(payload.data as never, failedReason);
        })().catch((err: unknown) => options.log.error({ err, jobId, queue: queueName }, 'recording a job that failed for good failed'));
      });
      return events;
    });
}

/**
 * Checks Redis every `watchdogMs` with a read of a key under the queue prefix, which a cluster routes
 * to the master serving the queues' slot; calls `recovered` when a check succeeds after one failed.
 */
function watchRedis(options: WorkerHostOptions, recovered: () => Promise<void>): { stop(): void } {
  const every = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
  const url = (options.connection as { url?: string }).url;
  const target = options.redis ?? (url ? { kind: 'single' as const, url } : null);
  if (every <= 0 || !target) return { stop: () => undefined };
  const redis = probeClient(target, every);
  const probeKey = `${options.prefix}:watchdog`;
  let down = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const ping = redis.status === 'wait' ? redis.connect().then(() => redis.exists(probeKey)) : redis.exists(probeKey);
    void ping
      .then(
        async () => {
          if (down) {
            down = false;
            await recovered();
          }
        },
        () => {
          if (!down) options.log.warn('Redis does not answer; the queue workers will be replaced once it does');
          down = true;
        },
      )
      .finally(() => {
        busy = false;
      });
  }, every);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      redis.disconnect();
    },
  };
}
