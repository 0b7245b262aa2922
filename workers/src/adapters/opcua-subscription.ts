// A subscription to OPC UA node ids on one server: every data change as an addressed point, with
// the server's source timestamp and its status as quality. Used by the core's OPC UA adapter and
// by the edge agent, which read the plant the same way.
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
import type { AddressedPoint } from '@threadline/db/telemetry/ingest';
import { systemClock, type Clock } from '@threadline/db/clock';

/** OPC UA status severity (top two bits) → Threadline quality name. */
export function qualityOf(statusCode: number): 'GOOD' | 'UNCERTAIN' | 'BAD' {
  const severity = statusCode >>> 30;
  return severity === 0 ? 'GOOD' : severity === 1 ? 'UNCERTAIN' : 'BAD';
}

function pointOf(nodeId: string, dataValue: DataValue, receivedAt: Date): AddressedPoint {
  const raw: unknown = dataValue.value?.value;
  const value = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : raw === null || raw === undefined ? null : Number.NaN;
  return { address: nodeId, time: dataValue.sourceTimestamp ?? dataValue.serverTimestamp ?? receivedAt, value, quality: qualityOf(dataValue.statusCode.value) };
}

export interface OpcUaSubscriptionOptions {
  applicationName: string;
  log: Logger;
  clock?: Clock;
  samplingIntervalMs?: number;
}

export class OpcUaSubscription {
  private constructor(
    private readonly client: OPCUAClient,
    private readonly session: ClientSession,
    private readonly subscription: ClientSubscription,
  ) {}

  /** Connects (retrying for ever while the server is away) and monitors `nodeIds`; `onPoint` gets each change. */
  static async open(
    endpointUrl: string,
    nodeIds: readonly string[],
    onPoint: (point: AddressedPoint) => void,
    options: OpcUaSubscriptionOptions,
  ): Promise<OpcUaSubscription> {
    const client = OPCUAClient.create({
      applicationName: options.applicationName,
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { maxRetry: -1, initialDelay: 1_000, maxDelay: 10_000 },
    });
    await client.connect(endpointUrl);
    const session = await client.createSession();
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: 250,
      requestedMaxKeepAliveCount: 20,
      requestedLifetimeCount: 120,
      maxNotificationsPerPublish: 10_000,
      publishingEnabled: true,
      priority: 10,
    });
    if (nodeIds.length > 0) {
      const group = ClientMonitoredItemGroup.create(
        subscription,
        nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
        { samplingInterval: options.samplingIntervalMs ?? 500, queueSize: 100, discardOldest: true },
        TimestampsToReturn.Both,
      );
      group.on('changed', (_item, dataValue, index) => onPoint(pointOf(nodeIds[index]!, dataValue, (options.clock ?? systemClock).now())));
      group.on('err', (message) => options.log.warn({ message }, 'OPC UA monitored items refused'));
    }
    return new OpcUaSubscription(client, session, subscription);
  }

  async close(): Promise<void> {
    await this.subscription.terminate();
    await this.session.close();
    await this.client.disconnect();
  }
}
