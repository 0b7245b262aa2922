// A subscription to OPC UA node ids on one server: every data change as an addressed point, with
// the server's source timestamp and its status as quality; and, when asked, every condition event
// of the Server object's event notifier (Alarms & Conditions), with a ConditionRefresh at the
// start so the conditions already active are known. Used by the core's OPC UA adapter and by the
// edge agent, which read the plant the same way.
import {
  AttributeIds,
  ClientMonitoredItem,
  ClientMonitoredItemGroup,
  ClientSubscription,
  constructEventFilter,
  DataType,
  MessageSecurityMode,
  OPCUAClient,
  resolveNodeId,
  SecurityPolicy,
  TimestampsToReturn,
  type ClientSession,
  type DataValue,
  type Variant,
} from 'node-opcua-client';
import type { ConditionEvent } from '@threadline/db/telemetry/alarm-conditions';
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

/** The event fields a condition is read from, in the order of the event filter's select clauses. */
const CONDITION_FIELDS = [
  'EventId',
  'ConditionId',
  'SourceNode',
  'Time',
  'Severity',
  'Message',
  'ConditionName',
  'ActiveState.Id',
  'AckedState.Id',
  'ConfirmedState.Id',
  'Retain',
  'Comment',
] as const;

/** A condition event from the notifier's fields; null for events that are no condition's (audit, refresh start and end). */
export function conditionOf(endpointUrl: string, fields: readonly Variant[], receivedAt: Date): ConditionEvent | null {
  const value = Object.fromEntries(CONDITION_FIELDS.map((name, i) => [name, fields[i]?.value as unknown])) as Record<
    (typeof CONDITION_FIELDS)[number],
    unknown
  >;
  if (!value.ConditionId || !Buffer.isBuffer(value.EventId) || !value.SourceNode) return null;
  const text = (x: unknown) => ((x as { text?: string | null } | null)?.text ?? '').toString();
  return {
    endpointUrl,
    conditionId: String(value.ConditionId),
    eventId: value.EventId.toString('hex'),
    name: typeof value.ConditionName === 'string' && value.ConditionName ? value.ConditionName : String(value.ConditionId),
    sourceNode: String(value.SourceNode),
    time: value.Time instanceof Date ? value.Time : receivedAt,
    severity: typeof value.Severity === 'number' ? value.Severity : 0,
    message: text(value.Message),
    active: value['ActiveState.Id'] === true,
    acked: value['AckedState.Id'] !== false,
    confirmed: typeof value['ConfirmedState.Id'] === 'boolean' ? value['ConfirmedState.Id'] : null,
    retain: value.Retain === true,
    comment: text(value.Comment),
  };
}

export interface OpcUaSubscriptionOptions {
  applicationName: string;
  log: Logger;
  clock?: Clock;
  samplingIntervalMs?: number;
  /** Each condition event of the server's event notifier; without it, events are not subscribed to. */
  onCondition?: (condition: ConditionEvent) => void;
}

/** ConditionType's ConditionRefresh method: the server sends every retained condition again. */
const CONDITION_TYPE = 'ns=0;i=2782';
const CONDITION_REFRESH = 'ns=0;i=3875';

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
    if (options.onCondition) await subscribeConditions(endpointUrl, session, subscription, options.onCondition, options);
    return new OpcUaSubscription(client, session, subscription);
  }

  async close(): Promise<void> {
    await this.subscription.terminate();
    await this.session.close();
    await this.client.disconnect();
  }
}

async function subscribeConditions(
  endpointUrl: string,
  session: ClientSession,
  subscription: ClientSubscription,
  onCondition: (condition: ConditionEvent) => void,
  options: OpcUaSubscriptionOptions,
): Promise<void> {
  const item = ClientMonitoredItem.create(
    subscription,
    { nodeId: resolveNodeId('Server'), attributeId: AttributeIds.EventNotifier },
    { samplingInterval: 0, queueSize: 1_000, discardOldest: false, filter: constructEventFilter([...CONDITION_FIELDS]) },
    TimestampsToReturn.Both,
  );
  item.on('changed', (fields: unknown) => {
    const condition = conditionOf(endpointUrl, fields as Variant[], (options.clock ?? systemClock).now());
    if (condition) onCondition(condition);
  });
  await new Promise<void>((resolve) => {
    item.once('initialized', () => resolve());
    item.once('err', (message: string) => {
      options.log.warn({ message }, 'OPC UA event subscription refused');
      resolve();
    });
  });
  const refreshed = await session.call({
    objectId: CONDITION_TYPE,
    methodId: CONDITION_REFRESH,
    inputArguments: [{ dataType: DataType.UInt32, value: subscription.subscriptionId }],
  });
  if (!refreshed.statusCode.isGood()) options.log.warn({ status: refreshed.statusCode.toString() }, 'OPC UA ConditionRefresh refused');
}
