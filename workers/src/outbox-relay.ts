// The transactional outbox's relay: enqueues every undispatched outbox row on its BullMQ queue under
// the row's job id, then marks it dispatched. It runs at start, when a writer NOTIFYs, when its
// listening connection is replaced after a database restart, and every 30 s as a safety net. A
// crash after enqueueing and before marking enqueues the same job id again, which BullMQ treats as
// the same job; the jobs themselves are idempotent besides.
import type pg from 'pg';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { markOutboxDispatched, OUTBOX_CHANNEL, undispatchedOutbox } from '@threadline/db/outbox';
import { ListenConnection } from './listen-connection.ts';
import { JOB_CATALOGUE, splitTrace, withTrace, type QueueName } from '@threadline/db/jobs';
import { contextFrom, currentTraceparent, inSpan } from '@threadline/db/observability/tracing';

const BATCH = 500;

export class OutboxRelay {
  private connection: ListenConnection | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly options: { databaseUrl: string; role: string; pool: pg.Pool; queue: (name: QueueName) => Queue; log: Logger }) {}

  async start(): Promise<void> {
    // On every connection, the first and each replacement: listen, and relay what came meanwhile.
    this.connection = new ListenConnection({
      databaseUrl: this.options.databaseUrl,
      role: this.options.role,
      log: this.options.log,
      label: 'outbox relay',
      onNotification: () => void this.relay(),
      connected: async (client) => {
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        void this.relay();
      },
    });
    await this.connection.start();
    this.timer = setInterval(() => void this.relay(), 30_000);
    await this.relay();
  }

  /** Dispatches what is waiting; concurrent calls run one pass after another. */
  relay(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.options.log.error({ err }, 'relaying the outbox failed; it is tried again'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.relay();
        }
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    let after = '0';
    for (;;) {
      const rows = await undispatchedOutbox(this.options.pool, after, BATCH);
      if (rows.length === 0) return;
      after = rows.at(-1)!.id;
      const dispatched: string[] = [];
      for (const row of rows) {
        const definition = JOB_CATALOGUE.find((j) => j.name === row.jobName && j.queue === row.queue);
        if (!definition) {
          this.options.log.error({ outboxId: row.id, job: row.jobName, queue: row.queue }, 'outbox names a job the catalogue does not know; left undispatched');
          continue;
        }
        const { payload, trace } = splitTrace(row.payload);
        // A row written inside a trace is dispatched in a span of that trace, which the job goes on from.
        const data = trace
          ? await inSpan(
              'outbox.dispatch',
              { kind: 'PRODUCER', parent: contextFrom(trace), attributes: { 'threadline.job': row.jobName, 'threadline.outbox_id': row.id } },
              async () => withTrace(payload, { traceparent: currentTraceparent() ?? trace.traceparent }),
            )
          : payload;
        await this.options.queue(definition.queue).add(definition.name, data, { ...definition.options, jobId: row.jobId });
        dispatched.push(row.id);
      }
      await markOutboxDispatched(this.options.pool, dispatched);
      if (rows.length < BATCH) return;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.connection?.stop();
  }
}
