// Subscribes to the OPC UA node ids configured on OPC_UA signals and writes every data change
// through the one ingest path, with the server's source timestamp and its status as quality.
// Changes are batched for a short time; OPC UA does not redeliver, so the batch is kept small.
import type { Logger } from 'pino';
import type pg from 'pg';
import type { AddressedPoint, IngestService } from '@threadline/db/telemetry/ingest';
import { OpcUaSubscription } from './opcua-subscription.ts';
import { opcUaNodeIds } from '@threadline/db/plant/signal-sources';
import type { Clock } from '@threadline/db/clock';

export interface OpcUaAdapterOptions {
  /** What stamps a reading's arrival (the system clock unless a test fixes it). */
  clock?: Clock;
  endpointUrl: string;
  organizationId: string;
  pool: pg.Pool;
  /** Where points go: the database (IngestService) or the ingest log in front of it. */
  ingest: Pick<IngestService, 'ingestByAddress'>;
  log: Logger;
  samplingIntervalMs?: number;
  flushMs?: number;
}

export interface OpcUaAdapterStats {
  changes: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  monitored: number;
}

export class OpcUaAdapter {
  readonly stats: OpcUaAdapterStats = { changes: 0, accepted: 0, duplicates: 0, rejected: 0, monitored: 0 };
  private subscription: OpcUaSubscription | null = null;
  private buffer: AddressedPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: OpcUaAdapterOptions) {}

  async start(): Promise<void> {
    const nodeIds = await opcUaNodeIds(this.options.pool, this.options.organizationId);
    this.subscription = await OpcUaSubscription.open(this.options.endpointUrl, nodeIds, (point) => this.receive(point), {
      applicationName: 'Threadline ingest',
      log: this.options.log,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(this.options.samplingIntervalMs ? { samplingIntervalMs: this.options.samplingIntervalMs } : {}),
    });
    this.stats.monitored = nodeIds.length;
    this.options.log.info({ endpoint: this.options.endpointUrl, nodes: nodeIds.length }, 'OPC UA adapter subscribed');
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.subscription?.close();
  }

  /** Stores what has arrived so far. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private receive(point: AddressedPoint): void {
    this.stats.changes += 1;
    this.buffer.push(point);
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 200);
  }

  private async write(points: AddressedPoint[]): Promise<void> {
    if (points.length === 0) return;
    try {
      const result = await this.options.ingest.ingestByAddress(this.options.organizationId, 'OPC_UA', points);
      this.stats.accepted += result.accepted;
      this.stats.duplicates += result.duplicates;
      this.stats.rejected += result.rejected.length;
      if (result.rejected.length > 0) this.options.log.warn({ rejected: result.rejected.slice(0, 5) }, 'OPC UA points refused');
    } catch (err) {
      // Keep them for the next flush rather than drop them.
      this.options.log.error({ err, points: points.length }, 'storing OPC UA points failed; retrying with the next batch');
      this.buffer.unshift(...points);
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
    }
  }
}
