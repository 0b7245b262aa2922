// Subscribes to the OPC UA node ids configured on OPC_UA signals and writes every data change
// through the one ingest path, with the server's source timestamp and its status as quality.
// Changes are batched for a short time; OPC UA does not redeliver, so the batch is kept small.
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  ClientSubscription,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  type ClientSession,
  type DataValue,
} from 'node-opcua-client';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { AddressedPoint, IngestService } from '@threadline/db/telemetry/ingest';
import { opcUaNodeIds } from '@threadline/db/plant/signal-sources';
import { systemClock, type Clock } from '@threadline/db/clock';

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

/** OPC UA status severity (top two bits) → Threadline quality name. */
export function qualityOf(statusCode: number): 'GOOD' | 'UNCERTAIN' | 'BAD' {
  const severity = statusCode >>> 30;
  return severity === 0 ? 'GOOD' : severity === 1 ? 'UNCERTAIN' : 'BAD';
}

export function pointOf(nodeId: string, dataValue: DataValue, receivedAt: Date): AddressedPoint {
  const raw: unknown = dataValue.value?.value;
  const value = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : raw === null || raw === undefined ? null : Number.NaN;
  return { address: nodeId, time: dataValue.sourceTimestamp ?? dataValue.serverTimestamp ?? receivedAt, value, quality: qualityOf(dataValue.statusCode.value) };
}

export class OpcUaAdapter {
  readonly stats: OpcUaAdapterStats = { changes: 0, accepted: 0, duplicates: 0, rejected: 0, monitored: 0 };
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  private buffer: AddressedPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: OpcUaAdapterOptions) {}

  async start(): Promise<void> {
    const nodeIds = await opcUaNodeIds(this.options.pool, this.options.organizationId);
    this.client = OPCUAClient.create({
      applicationName: 'Threadline ingest',
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { maxRetry: -1, initialDelay: 1_000, maxDelay: 10_000 },
    });
    await this.client.connect(this.options.endpointUrl);
    this.session = await this.client.createSession();
    this.subscription = ClientSubscription.create(this.session, {
      requestedPublishingInterval: 250,
      requestedMaxKeepAliveCount: 20,
      requestedLifetimeCount: 120,
      maxNotificationsPerPublish: 10_000,
      publishingEnabled: true,
      priority: 10,
    });
    if (nodeIds.length > 0) {
      const group = ClientMonitoredItemGroup.create(
        this.subscription,
        nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
        { samplingInterval: this.options.samplingIntervalMs ?? 500, queueSize: 100, discardOldest: true },
        TimestampsToReturn.Both,
      );
      group.on('changed', (_item, dataValue, index) => this.receive(nodeIds[index]!, dataValue));
      group.on('err', (message) => this.options.log.warn({ message }, 'OPC UA monitored items refused'));
    }
    this.stats.monitored = nodeIds.length;
    this.options.log.info({ endpoint: this.options.endpointUrl, nodes: nodeIds.length }, 'OPC UA adapter subscribed');
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.subscription?.terminate();
    await this.session?.close();
    await this.client?.disconnect();
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

  private receive(nodeId: string, dataValue: DataValue): void {
    this.stats.changes += 1;
    this.buffer.push(pointOf(nodeId, dataValue, (this.options.clock ?? systemClock).now()));
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
