// Subscribes to the OPC UA node ids configured on OPC_UA signals and writes every data change
// through the one ingest path, with the server's source timestamp and its status as quality.
// Changes are batched for a short time; OPC UA does not redeliver, so the batch is kept small.
// With an event path it also follows the server's Alarms & Conditions, in order, into condition
// states, plant events and incidents (alarm-conditions.ts).
import type { Logger } from 'pino';
import type pg from 'pg';
import type { AddressedPoint, IngestService } from '@threadline/db/telemetry/ingest';
import type { EventIngest } from '@threadline/db/telemetry/events';
import { applyConditionEvents, type ConditionEvent } from '@threadline/db/telemetry/alarm-conditions';
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
  /** Where condition events go as plant events; without it, Alarms & Conditions are not followed. */
  events?: Pick<EventIngest, 'ingest'>;
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
  /** Condition events applied. */
  conditions: number;
}

export class OpcUaAdapter {
  readonly stats: OpcUaAdapterStats = { changes: 0, accepted: 0, duplicates: 0, rejected: 0, monitored: 0, conditions: 0 };
  private conditions: Promise<void> = Promise.resolve();
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
      ...(this.options.events ? { onCondition: (condition: ConditionEvent) => this.receiveCondition(condition) } : {}),
    });
    this.stats.monitored = nodeIds.length;
    this.options.log.info({ endpoint: this.options.endpointUrl, nodes: nodeIds.length }, 'OPC UA adapter subscribed');
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.subscription?.close();
    await this.conditions;
  }

  /** Applies condition events one after another, in the order the server sent them. */
  private receiveCondition(condition: ConditionEvent): void {
    this.conditions = this.conditions.then(async () => {
      try {
        const skipped = await applyConditionEvents(this.options.pool, this.options.events!, this.options.organizationId, [condition]);
        if (skipped.length > 0)
          this.options.log.warn({ condition: condition.conditionId, source: condition.sourceNode }, 'OPC UA condition of a node that is no signal; skipped');
        this.stats.conditions += 1;
      } catch (err) {
        // Not retried here: the condition's state comes again with its next event, or with the
        // ConditionRefresh of the adapter's next start.
        this.options.log.error({ err, condition: condition.conditionId }, 'applying an OPC UA condition event failed');
      }
    });
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
