// The edge agent's durable, ordered outbox (store and forward): what it has to send the core,
// appended to segment files under its state directory and flushed to disk before `append`
// returns, read back in order, and dropped once the core has accepted it. It survives the link
// being down and the agent restarting; a partly written last line (a power cut mid-write) is cut
// off on open. When the records not yet accepted outgrow `maxBytes`, the oldest segment is
// dropped and counted: the agent goes on, and its heartbeats say what it lost.
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface OutboxRecord {
  seq: number;
  [field: string]: unknown;
}

interface Segment {
  first: number;
  last: number;
  bytes: number;
  path: string;
}

interface State {
  epoch: string;
  acked: number;
  dropped: number;
}

const SEGMENT_BYTES = 4 * 1024 * 1024;
const segmentName = (first: number) => `${String(first).padStart(16, '0')}.jsonl`;

export class EdgeOutbox {
  private readonly segments: Segment[] = [];
  private active: { segment: Segment; fd: number } | null = null;
  private cache: { path: string; records: OutboxRecord[] } | null = null;
  private lastSeq: number;

  private constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private state: State,
  ) {
    this.lastSeq = state.acked;
  }

  static open(dir: string, maxBytes = 256 * 1024 * 1024): EdgeOutbox {
    mkdirSync(join(dir, 'segments'), { recursive: true });
    let state: State;
    try {
      state = JSON.parse(readFileSync(join(dir, 'outbox.json'), 'utf8')) as State;
    } catch {
      state = { epoch: randomUUID(), acked: 0, dropped: 0 };
    }
    const outbox = new EdgeOutbox(dir, maxBytes, state);
    outbox.recover();
    outbox.saveState();
    return outbox;
  }

  /** Identifies this outbox's numbering: a new state directory starts a new epoch. */
  get epoch(): string {
    return this.state.epoch;
  }

  /** Records not yet accepted by the core. */
  get backlog(): number {
    return this.lastSeq - this.state.acked;
  }

  /** Records dropped because the buffer was full, since the outbox was made. */
  get dropped(): number {
    return this.state.dropped;
  }

  /** Appends records in order and flushes them to disk; returns the last sequence number given. */
  append(records: readonly Record<string, unknown>[]): number {
    if (records.length === 0) return this.lastSeq;
    const lines = records.map((r) => JSON.stringify({ ...r, seq: (this.lastSeq += 1) })).join('\n') + '\n';
    const bytes = Buffer.byteLength(lines);
    if (!this.active || this.active.segment.bytes + bytes > SEGMENT_BYTES) this.roll(this.lastSeq - records.length + 1);
    const { segment, fd } = this.active!;
    writeSync(fd, lines);
    fdatasyncSync(fd);
    segment.bytes += bytes;
    segment.last = this.lastSeq;
    if (this.cache?.path === segment.path) this.cache = null;
    this.enforceLimit();
    return this.lastSeq;
  }

  /** Up to `max` records after the last accepted one, oldest first. */
  peek(max: number): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    for (const segment of this.segments) {
      if (segment.last <= this.state.acked) continue;
      for (const record of this.read(segment)) {
        if (record.seq <= this.state.acked) continue;
        out.push(record);
        if (out.length >= max) return out;
      }
    }
    return out;
  }

  /** The core accepted everything through `seq`: those records are dropped. */
  ack(seq: number): void {
    if (seq <= this.state.acked) return;
    this.state.acked = Math.min(seq, this.lastSeq);
    while (this.segments.length > 1 && this.segments[0]!.last <= this.state.acked) this.removeOldest();
    this.saveState();
  }

  close(): void {
    if (this.active) closeSync(this.active.fd);
    this.active = null;
  }

  private recover(): void {
    const names = readdirSync(join(this.dir, 'segments'))
      .filter((n) => n.endsWith('.jsonl'))
      .sort();
    for (const name of names) {
      const path = join(this.dir, 'segments', name);
      const text = readFileSync(path, 'utf8');
      const complete = text.lastIndexOf('\n') + 1;
      if (complete < Buffer.byteLength(text)) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, complete)));
        closeSync(fd);
      }
      const records = parseLines(text.slice(0, complete));
      if (records.length === 0 || records.at(-1)!.seq <= this.state.acked) {
        unlinkSync(path);
        continue;
      }
      this.segments.push({ first: records[0]!.seq, last: records.at(-1)!.seq, bytes: statSync(path).size, path });
      this.lastSeq = Math.max(this.lastSeq, records.at(-1)!.seq);
    }
    const last = this.segments.at(-1);
    if (last) this.active = { segment: last, fd: openSync(last.path, 'a') };
  }

  private roll(first: number): void {
    if (this.active) closeSync(this.active.fd);
    const segment: Segment = { first, last: first - 1, bytes: 0, path: join(this.dir, 'segments', segmentName(first)) };
    this.segments.push(segment);
    this.active = { segment, fd: openSync(segment.path, 'a') };
  }

  private read(segment: Segment): OutboxRecord[] {
    if (this.cache?.path !== segment.path) this.cache = { path: segment.path, records: parseLines(readFileSync(segment.path, 'utf8')) };
    return this.cache.records;
  }

  private enforceLimit(): void {
    let total = this.segments.reduce((sum, s) => sum + s.bytes, 0);
    while (total > this.maxBytes && this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const lost = oldest.last - Math.max(this.state.acked, oldest.first - 1);
      this.state.dropped += Math.max(0, lost);
      this.state.acked = Math.max(this.state.acked, oldest.last);
      total -= oldest.bytes;
      this.removeOldest();
      this.saveState();
    }
  }

  private removeOldest(): void {
    const oldest = this.segments.shift()!;
    if (this.cache?.path === oldest.path) this.cache = null;
    unlinkSync(oldest.path);
  }

  private saveState(): void {
    const path = join(this.dir, 'outbox.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(this.state));
    renameSync(`${path}.tmp`, path);
  }
}

function parseLines(text: string): OutboxRecord[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutboxRecord);
}
