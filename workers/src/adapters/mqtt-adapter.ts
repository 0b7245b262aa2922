// Subscribes to the plant's MQTT broker (plain JSON topics and Sparkplug B, QoS 1) and writes
// through the one ingest path. A message is acknowledged only after its points are stored, so a
// crash before the write makes the broker deliver it again (and the resend is not duplicated).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { IngestResult, IngestService } from '@threadline/db/telemetry/ingest';
import type { EventIngest } from '@threadline/db/telemetry/events';
import { decodeEvents, decodePlain, eventTopicAsset, parseSparkplugTopic, SparkplugDecoder, type Decoded } from './mqtt-messages.ts';
import { systemClock, type Clock } from '@threadline/db/clock';

export interface MqttAdapterOptions {
  /** What stamps a reading's arrival (the system clock unless a test fixes it). */
  clock?: Clock;
  url: string;
  organizationId: string;
  ingest: IngestService;
  events: EventIngest;
  log: Logger;
  /** Prepended to subscriptions and stripped from topics (lets several installations share a broker). */
  topicPrefix?: string;
  clientId?: string;
  /** Connections sharing the plain-topic subscription (MQTT 5 shared subscription); Sparkplug B uses the first only, to keep births before data. */
  connections?: number;
}

export interface MqttAdapterStats {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  undecodable: number;
}

/**
 * MQTT 5 with custom acknowledgements: a connection hands over one message at a time and sends its
 * PUBACK when we call back, after the points are stored. Throughput comes from messages that carry
 * many readings (Sparkplug B DDATA, JSON arrays) and from several connections sharing the plain
 * topics ($share/threadline-ingest/...), which the broker balances between them; Sparkplug B stays
 * on one connection, because its data messages name metrics by aliases that only its births define.
 */
export class MqttAdapter {
  readonly stats: MqttAdapterStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, undecodable: 0 };
  private clients: MqttClient[] = [];
  private readonly idle = new Map<MqttClient, Promise<void>>();
  private readonly sparkplug = new SparkplugDecoder();
  private readonly prefix: string;

  constructor(private readonly options: MqttAdapterOptions) {
    this.prefix = options.topicPrefix ?? '';
  }

  async start(): Promise<void> {
    const count = Math.max(1, this.options.connections ?? 4);
    const base = this.options.clientId ?? `threadline-ingest-${process.pid}`;
    for (let i = 0; i < count; i += 1) this.clients.push(await this.connect(`${base}-${i}`));
    const shared = `$share/threadline-ingest/${this.prefix}threadline/#`;
    await Promise.all(this.clients.map((client, i) => client.subscribeAsync(i === 0 ? [shared, `${this.prefix}spBv1.0/#`] : [shared], { qos: 1 })));
    this.options.log.info({ url: this.options.url, prefix: this.prefix, connections: count }, 'MQTT adapter subscribed');
  }

  private async connect(clientId: string): Promise<MqttClient> {
    let client: MqttClient | null = null;
    const clientOptions: IClientOptions = {
      protocolVersion: 5,
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: 3_600 },
      reconnectPeriod: 1_000,
      customHandleAcks: (topic, message, _packet, done) => {
        const stored = this.receive(topic, message).then(
          () => done(0),
          (err: unknown) => {
            // Not acknowledged: after reconnecting, the broker delivers the message again.
            this.options.log.error({ err, topic }, 'storing MQTT points failed; the message will be redelivered');
            client?.end(true, () => client?.reconnect());
          },
        );
        if (client) this.idle.set(client, stored);
      },
    };
    client = await mqtt.connectAsync(this.options.url, clientOptions);
    client.on('error', (err) => this.options.log.warn({ err }, 'MQTT error'));
    return client;
  }

  /** Resolves when the messages being stored (if any) are stored. */
  async settled(): Promise<void> {
    await Promise.all(this.idle.values());
  }

  async stop(): Promise<void> {
    await this.settled();
    await Promise.all(this.clients.map((c) => c.endAsync()));
    this.clients = [];
  }

  private async receive(topic: string, message: Buffer): Promise<void> {
    this.stats.messages += 1;
    const logical = topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
    const arrivedAt = (this.options.clock ?? systemClock).now();
    const eventAsset = eventTopicAsset(logical);
    if (eventAsset) {
      const events = decodeEvents(logical, eventAsset, message, arrivedAt);
      if (!events.ok) return this.refuse(topic, events.reason);
      return this.count(topic, await this.options.events.ingest(this.options.organizationId, events.events));
    }
    const sparkplug = parseSparkplugTopic(logical);
    const decoded: Decoded = sparkplug ? this.sparkplug.decode(sparkplug, message, arrivedAt) : decodePlain(logical, message, arrivedAt);
    if (!decoded.ok) return this.refuse(topic, decoded.reason);
    if (decoded.points.length === 0) return;
    this.count(topic, await this.options.ingest.ingestByAddress(this.options.organizationId, sparkplug ? 'SPARKPLUG_B' : 'MQTT', decoded.points));
  }

  /** A message that can never be decoded is acknowledged, so it is not redelivered forever. */
  private refuse(topic: string, reason: string): void {
    this.stats.undecodable += 1;
    this.options.log.warn({ topic, reason }, 'MQTT message refused');
  }

  private count(topic: string, result: IngestResult): void {
    this.stats.accepted += result.accepted;
    this.stats.duplicates += result.duplicates;
    this.stats.rejected += result.rejected.length;
    if (result.rejected.length > 0) this.options.log.warn({ topic, rejected: result.rejected }, 'MQTT points refused');
  }
}
