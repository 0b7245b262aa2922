// Runs one BullMQ worker per queue of the catalogue and dispatches each job to its handler. Refuses to start when
// a catalogue job has no handler, or a handler names no catalogue job; rejects a payload that
// breaks its schema without retrying it.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_CATALOGUE, QUEUE_NAMES, type JobDefinition, type QueueName } from './queues/catalogue.ts';

export type Handler = (payload: never, job: Job) => Promise<unknown>;

export interface WorkerHostOptions {
  connection: ConnectionOptions;
  prefix: string;
  /** Jobs run at once per queue: one number for every queue, or per queue. */
  concurrency: number | Partial<Record<QueueName, number>>;
  /** How long a job's lock lasts without renewal; a killed worker's jobs run again after it. */
  lockDurationMs?: number;
  handlers: Record<string, Handler>;
  log: Logger;
  catalogue?: readonly JobDefinition<unknown>[];
}

export interface WorkerHost {
  workers: Worker[];
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export function checkHandlers(catalogue: readonly JobDefinition<unknown>[], handlers: Record<string, Handler>): void {
  const names = catalogue.map((j) => j.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) throw new Error(`Job catalogue names ${duplicates.join(', ')} more than once.`);
  const missing = names.filter((n) => !handlers[n]);
  if (missing.length > 0) throw new Error(`No handler for job(s) ${missing.join(', ')}; workers refuse to start.`);
  const unknown = Object.keys(handlers).filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`Handler(s) for unknown job(s) ${unknown.join(', ')}; add them to the catalogue.`);
}

export function startWorkerHost(options: WorkerHostOptions): WorkerHost {
  const catalogue = options.catalogue ?? JOB_CATALOGUE;
  checkHandlers(catalogue, options.handlers);
  const queues = new Map<QueueName, Queue>();
  const used = QUEUE_NAMES.filter((name) => catalogue.some((job) => job.queue === name));
  const concurrencyOf = (name: QueueName) => (typeof options.concurrency === 'number' ? options.concurrency : options.concurrency[name] ?? 1);
  const lock = options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {};
  const workers = used.map((queueName) => {
    queues.set(queueName, new Queue(queueName, { connection: options.connection, prefix: options.prefix }));
    const worker = new Worker(queueName, async (job) => {
      const definition = catalogue.find((d) => d.name === job.name && d.queue === queueName);
      if (!definition) throw new UnrecoverableError(`Job ${job.name} is not in the catalogue of queue ${queueName}.`);
      const parsed = definition.payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`Job ${job.name} has an invalid payload: ${parsed.error.message}`);
      const log = options.log.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
      log.debug('job started');
      const result = await options.handlers[job.name]!(parsed.data as never, job);
      log.debug('job done');
      return result;
    }, { connection: options.connection, prefix: options.prefix, concurrency: concurrencyOf(queueName), ...lock });
    worker.on('failed', (job, err) => options.log.warn({ jobId: job?.id, job: job?.name, err }, 'job failed'));
    worker.on('error', (err) => options.log.error({ err }, 'worker error'));
    return worker;
  });
  return {
    workers,
    queue: (name) => queues.get(name)!,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
