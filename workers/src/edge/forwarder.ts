// Sends the outbox to the core in order: the leading run of records of one kind at a time (readings
// to the HTTP bulk ingest, scored windows to /edge/forward), dropping them from the outbox only once
// the core has answered that it has them. While the core is unreachable or answers with an error,
// it waits (0.5 s, doubling to 30 s) and tries the same records again; new records queue behind.
// Records the core refuses for what they are (400, 404, 413) would block the queue for ever: they
// are set aside in `refused.jsonl` beside the outbox, logged, and the queue goes on.
import { appendFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { MAX_BATCH } from '@threadline/db/telemetry/ingest';
import type { EdgeOutbox, OutboxRecord } from './outbox.ts';

export interface CoreLink {
  url: string;
  apiKey: string;
  targetId: string;
}

const BATCH = 500;
const REFUSED_FOR_GOOD = new Set([400, 404, 413]);

class Refused extends Error {}
const RETRY_MS = { first: 500, max: 30_000 };

export class Forwarder {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private retryMs = RETRY_MS.first;
  private loop: Promise<void> | null = null;
  /** Whether the last attempt reached the core. */
  linkUp = false;

  constructor(
    private readonly outbox: EdgeOutbox,
    private readonly core: CoreLink,
    private readonly log: Logger,
    private readonly refusedPath: string,
    private readonly retry = RETRY_MS,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Records were appended: send them if the forwarder is idle (a back-off still runs its course). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const records = leadingRun(this.outbox.peek(BATCH));
      if (records.length === 0) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = null;
        continue;
      }
      try {
        await this.send(records);
        this.outbox.ack(records.at(-1)!.seq);
        this.linkUp = true;
        this.retryMs = this.retry.first;
      } catch (error) {
        if (error instanceof Refused) {
          this.log.error(
            { err: error.message, from: records[0]!.seq, to: records.at(-1)!.seq, file: this.refusedPath },
            'edge: the core refuses these records; set aside',
          );
          appendFileSync(this.refusedPath, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
          this.outbox.ack(records.at(-1)!.seq);
          continue;
        }
        this.linkUp = false;
        this.log.warn(
          { err: (error as Error).message, backlog: this.outbox.backlog, retryInMs: this.retryMs },
          'edge: cannot forward to the core; keeping records',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.retryMs);
          this.wakeUp = () => this.running || (clearTimeout(timer), resolve());
        });
        this.wakeUp = null;
        this.retryMs = Math.min(this.retryMs * 2, this.retry.max);
      }
    }
  }

  private async send(records: OutboxRecord[]): Promise<void> {
    if (records[0]!.kind === 'READINGS') {
      const points = records.flatMap((r) => r.points as unknown[]);
      await this.post('/ingest/telemetry', { points });
      return;
    }
    const answer = (await this.post('/edge/forward', { targetId: this.core.targetId, epoch: this.outbox.epoch, records })) as { acceptedThrough: number };
    if (answer.acceptedThrough < records.at(-1)!.seq) throw new Error(`the core accepted through ${answer.acceptedThrough} only`);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  /** A call to the core with the target's API key; a refusal for what was sent is a `Refused`. */
  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.core.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${this.core.apiKey}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      const message = `${path}: HTTP ${res.status} ${text.slice(0, 300)}`;
      throw REFUSED_FOR_GOOD.has(res.status) ? new Refused(message) : new Error(message);
    }
    return JSON.parse(text) as unknown;
  }
}

/** The first records of the same destination (readings, or scored windows), readings at most one bulk request's worth. */
function leadingRun(records: OutboxRecord[]): OutboxRecord[] {
  const readings = (r: OutboxRecord) => r.kind === 'READINGS';
  const first = records[0];
  if (!first) return [];
  const run: OutboxRecord[] = [];
  let points = 0;
  for (const record of records) {
    if (readings(record) !== readings(first)) break;
    points += readings(record) ? (record.points as unknown[]).length : 0;
    if (run.length > 0 && points > MAX_BATCH) break;
    run.push(record);
  }
  return run;
}
