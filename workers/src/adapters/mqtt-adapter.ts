// Subscribes to the plant's MQTT broker (plain JSON topics and Sparkplug B, QoS 1) and writes
// through the one ingest path. A message is acknowledged only after its points are stored, so a
// crash before the write makes the broker deliver it again (and the resend is not duplicated).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { IngestService } from '@threadline/db/telemetry/ingest';
import { decodePlain, parseSparkplugTopic, SparkplugDecoder, type Decoded } from './mqtt-messages.ts';

export interface MqttAdapterOptions {
  url: string;
  organizationId: string;
  ingest: IngestService;
  log: Logger;
  /** Prepended to subscriptions and stripped from topics (lets several installations share a broker). */
  topicPrefix?: string;
  clientId?: string;
}

export interface MqttAdapterStats {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  undecodable: number;
}

/**
 * MQTT 5 with custom acknowledgements: the client hands over one message at a time and sends its
 * PUBACK when we call back, after the points are stored. Throughput therefore comes from messages
 * that carry many readings (Sparkplug B DDATA, JSON arrays), as gateways send them.
 */
export class MqttAdapter {
  readonly stats: MqttAdapterStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, undecodable: 0 };
  private client: MqttClient | null = null;
  private idle: Promise<void> = Promise.resolve();
  private readonly sparkplug = new SparkplugDecoder();
  private readonly prefix: string;

  constructor(private readonly options: MqttAdapterOptions) {
    this.prefix = options.topicPrefix ?? '';
  }

  async start(): Promise<void> {
    const clientOptions: IClientOptions = {
      protocolVersion: 5,
      clientId: this.options.clientId ?? `threadline-ingest-${process.pid}`,
      clean: false,
      properties: { sessionExpiryInterval: 3_600 },
      reconnectPeriod: 1_000,
      customHandleAcks: (topic, message, _packet, done) => {
        this.idle = this.receive(topic, message).then(
          () => done(0),
          (err: unknown) => {
            // Not acknowledged: after reconnecting, the broker delivers the message again.
            this.options.log.error({ err, topic }, 'storing MQTT points failed; the message will be redelivered');
            this.client?.end(true, () => this.client?.reconnect());
          },
        );
      },
    };
    this.client = await mqtt.connectAsync(this.options.url, clientOptions);
    this.client.on('error', (err) => this.options.log.warn({ err }, 'MQTT error'));
    await this.client.subscribeAsync([`${this.prefix}threadline/#`, `${this.prefix}spBv1.0/#`], { qos: 1 });
    this.options.log.info({ url: this.options.url, prefix: this.prefix }, 'MQTT adapter subscribed');
  }

  /** Resolves when the message being stored (if any) is stored. */
  settled(): Promise<void> {
    return this.idle;
  }

  async stop(): Promise<void> {
    await this.idle;
    await this.client?.endAsync();
    this.client = null;
  }

  private async receive(topic: string, message: Buffer): Promise<void> {
    this.stats.messages += 1;
    const logical = topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
    const arrivedAt = new Date();
    const sparkplug = parseSparkplugTopic(logical);
    const decoded: Decoded = sparkplug ? this.sparkplug.decode(sparkplug, message, arrivedAt) : decodePlain(logical, message, arrivedAt);
    if (!decoded.ok) {
      // A message that can never be decoded is acknowledged, so it is not redelivered forever.
      this.stats.undecodable += 1;
      this.options.log.warn({ topic, reason: decoded.reason }, 'MQTT message refused');
      return;
    }
    if (decoded.points.length === 0) return;
    const result = await this.options.ingest.ingestByAddress(this.options.organizationId, sparkplug ? 'SPARKPLUG_B' : 'MQTT', decoded.points);
    this.stats.accepted += result.accepted;
    this.stats.duplicates += result.duplicates;
    this.stats.rejected += result.rejected.length;
    if (result.rejected.length > 0) this.options.log.warn({ topic, rejected: result.rejected }, 'MQTT points refused');
  }
}
