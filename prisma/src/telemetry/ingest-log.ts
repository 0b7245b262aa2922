// The durable ingest log (INGEST_LOG_URL; ThingsBoard's pattern, on NATS JetStream): the gateways
// (HTTP bulk, GraphQL, MQTT, Sparkplug B, OPC UA) publish what they receive to a replicated stream
// and acknowledge their devices once the stream has it (a quorum of its replicas); database writers
// take it in batches from one durable pull consumer, several writers sharing the work (a work queue:
// a message leaves the stream once a writer acknowledges it). A writer acknowledges a message once
// its points are stored; storage is idempotent on (signal, time), so a redelivery (a writer killed
// mid-write, an acknowledgement lost) stores nothing twice. While the database is down the writers
// hand messages back with a growing delay and the log holds them; devices are not touched.
import { AckPolicy, connect, DeliverPolicy, nanos, RetentionPolicy, StorageType, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventIngest, RawEvent } from './events.ts';
import { MAX_BATCH, type AddressedPoint, type IngestResult, type IngestService } from './ingest.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { RawPoint } from './point-rules.ts';

export interface IngestLogOptions {
  /** nats://host:port, comma-separated for a cluster. */
  url: string;
  /** Stream name; its subjects are `<stream>.<organization id>`. */
  stream: string;
  /** Replicas of the stream (1 on a single server, 3 on a cluster of three). */
  replicas: number;
}

/** One published message: a gateway's batch (or a piece of it) for one organisation. */
type Entry =
  { o: string; k: 'points'; p: string | null; r: number; items: (RawPoint | AddressedPoint)[] } | { o: string; k: 'events'; r: number; items: RawEvent[] };

/** Items per message: ~5,000 readings stay under NATS' default 1 MB payload. */
const CHUNK = 5_000;
const WRITERS = 'threadline-writers';
/** How long a publish keeps trying while the stream elects a leader. */
const ELECTION_MS = 15_000;
/** How long opening the log keeps trying to set up its stream and consumer. */
const SETUP_MS = 60_000;
const ACK_WAIT_MS = 60_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** NaN and infinities are not JSON; kept as text they are refused by the writer as they would have been by the gateway. */
const encode = (entry: Entry) => encoder.encode(JSON.stringify(entry, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));

const queued = (count: number): IngestResult => ({ accepted: count, duplicates: 0, rejected: [] });

export class IngestLog {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly options: IngestLogOptions,
    private readonly clock: Clock,
  ) {}

  /**
   * Connects and makes sure the stream and the writers' consumer exist. Several processes start at
   * once against a cluster that may still be forming or electing: the set-up is tried again until
   * it succeeds or SETUP_MS pass.
   */
  static async open(options: IngestLogOptions, clock: Clock = systemClock): Promise<IngestLog> {
    const nc = await connect({ servers: options.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'threadline-ingest' });
    try {
      await retrying(clock, SETUP_MS, 500, () => IngestLog.setUp(nc, options));
    } catch (err) {
      await nc.close();
      throw err;
    }
    return new IngestLog(nc, nc.jetstream(), options, clock);
  }

  private static async setUp(nc: NatsConnection, options: IngestLogOptions): Promise<void> {
    const jsm = await nc.jetstreamManager({ timeout: 10_000 });
    const config = {
      name: options.stream,
      subjects: [`${options.stream}.*`],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      num_replicas: options.replicas,
    };
    const existing = await jsm.streams.info(options.stream).catch(() => null);
    if (!existing) await jsm.streams.add(config);
    else if (existing.config.num_replicas !== options.replicas) await jsm.streams.update(options.stream, config);
    await jsm.consumers.add(options.stream, {
      durable_name: WRITERS,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: 20_000,
      max_deliver: -1,
    });
  }

  /** Points named by signal id (HTTP bulk, GraphQL): accepted = taken into the log. */
  ingest(organizationId: string, raw: readonly RawPoint[]): Promise<IngestResult> {
    return this.publish(organizationId, 'points', null, raw);
  }

  /** Points named by source address (the plant adapters). */
  ingestByAddress(organizationId: string, protocol: string, points: readonly AddressedPoint[]): Promise<IngestResult> {
    return this.publish(organizationId, 'points', protocol, points);
  }

  /** Plant events, the same way. */
  readonly events = {
    ingest: (organizationId: string, events: readonly RawEvent[]): Promise<IngestResult> => this.publish(organizationId, 'events', null, events),
  };

  /** A writer taking the log into the database; several (in one or many processes) share the work. */
  writer(target: { ingest: IngestService; events: EventIngest }, log: Logger): LogWriter {
    return new LogWriter(this.js, this.options.stream, target, log);
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }

  private async publish(organizationId: string, kind: Entry['k'], protocol: string | null, items: readonly unknown[]): Promise<IngestResult> {
    const r = this.clock.nowMs();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      const entry = (
        kind === 'points' ? { o: organizationId, k: kind, p: protocol, r, items: chunk } : { o: organizationId, k: kind, r, items: chunk }
      ) as Entry;
      sends.push(this.append(`${this.options.stream}.${organizationId}`, encode(entry)));
    }
    await Promise.all(sends);
    return queued(items.length);
  }

  /**
   * Publishes and waits for the stream's acknowledgement; while the stream has no leader (a node
   * died and its replicas elect another, a few seconds) it tries again, for up to ELECTION_MS. The
   * message id lets the stream drop a copy whose first acknowledgement was lost.
   */
  private async append(subject: string, data: Uint8Array): Promise<void> {
    const msgID = randomUUID();
    await retrying(this.clock, ELECTION_MS, 250, () => this.js.publish(subject, data, { msgID, timeout: 5_000 }));
  }
}

/** Runs `work` until it succeeds, pausing `pauseMs` between tries; throws its last error once `forMs` have passed. */
async function retrying(clock: Clock, forMs: number, pauseMs: number, work: () => Promise<unknown>): Promise<void> {
  const deadline = clock.nowMs() + forMs;
  for (;;) {
    try {
      await work();
      return;
    } catch (err) {
      if (clock.nowMs() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** A message as a gateway published it, or null when it is not one (it is then dropped, not retried forever). */
function parseEntry(data: Uint8Array): Entry | null {
  try {
    const e = JSON.parse(decoder.decode(data)) as Partial<Entry> | null;
    const shaped =
      e !== null &&
      typeof e === 'object' &&
      typeof e.o === 'string' &&
      typeof e.r === 'number' &&
      Array.isArray(e.items) &&
      (e.k === 'events' || (e.k === 'points' && (e.p === null || typeof e.p === 'string')));
    return shaped ? (e as Entry) : null;
  } catch {
    return null;
  }
}

export interface LogWriterStats {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failedWrites: number;
  /** Messages that were not a gateway batch, dropped. */
  dropped: number;
}

/** Messages a writer takes at once: each holds up to CHUNK items, so a write stays within one ingest call's MAX_BATCH. */
const FETCH = MAX_BATCH / CHUNK;
const RETRY_MS = { first: 500, max: 30_000 };

export class LogWriter {
  readonly stats: LogWriterStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, failedWrites: 0, dropped: 0 };
  private stopped = false;
  private readonly done: Promise<void>;
  private retryMs = RETRY_MS.first;

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly target: { ingest: IngestService; events: EventIngest },
    private readonly log: Logger,
  ) {
    this.done = this.run();
  }

  /** Finishes the batch in hand and stops taking more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(this.stream, WRITERS);
        while (!this.stopped) {
          const messages: JsMsg[] = [];
          for await (const m of await consumer.fetch({ max_messages: FETCH, expires: 1_000 })) messages.push(m);
          if (messages.length > 0) await this.write(messages);
        }
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err }, 'reading the ingest log failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS.first));
      }
    }
  }

  /** Stores a batch, then acknowledges it; on failure hands it back for later (a message that is not a gateway batch is dropped with a log line). */
  private async write(messages: JsMsg[]): Promise<void> {
    // One write per organisation, kind and protocol; received at the earliest arrival among them.
    const groups = new Map<string, { entry: Entry; items: unknown[] }>();
    const taken: JsMsg[] = [];
    for (const m of messages) {
      const entry = parseEntry(m.data);
      if (!entry) {
        this.log.error({ seq: m.seq }, 'a message in the ingest log is not a gateway batch; it is dropped');
        this.stats.dropped += 1;
        m.term();
        continue;
      }
      taken.push(m);
      const key = `${entry.o}|${entry.k}|${entry.k === 'points' ? (entry.p ?? '') : ''}`;
      const group = groups.get(key);
      if (!group) groups.set(key, { entry, items: [...entry.items] });
      else {
        group.items.push(...entry.items);
        group.entry.r = Math.min(group.entry.r, entry.r);
      }
    }
    try {
      for (const { entry, items } of groups.values()) {
        const result =
          entry.k === 'events'
            ? await this.target.events.ingest(entry.o, items as RawEvent[])
            : entry.p === null
              ? await this.target.ingest.ingest(entry.o, items as RawPoint[], entry.r, 'log')
              : await this.target.ingest.ingestByAddress(entry.o, entry.p, items as AddressedPoint[], entry.r);
        this.stats.accepted += result.accepted;
        this.stats.duplicates += result.duplicates;
        this.stats.rejected += result.rejected.length;
        if (result.rejected.length > 0) this.log.warn({ organizationId: entry.o, rejected: result.rejected.slice(0, 20) }, 'points in the ingest log refused');
      }
      for (const m of taken) m.ack();
      this.stats.messages += taken.length;
      this.retryMs = RETRY_MS.first;
    } catch (err) {
      this.stats.failedWrites += 1;
      this.log.error({ err, messages: taken.length, retryInMs: this.retryMs }, 'storing from the ingest log failed; the log keeps the messages');
      for (const m of taken) m.nak(this.retryMs);
      await new Promise((resolve) => setTimeout(resolve, this.retryMs));
      this.retryMs = Math.min(RETRY_MS.max, this.retryMs * 2);
    }
  }
}
