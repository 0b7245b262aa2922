// Subscribes to the plant's MQTT broker (plain JSON topics, camera frames and Sparkplug B, QoS 1) and writes
// through the one ingest path. A message is acknowledged only after its points are stored, so a
// crash before the write makes the broker deliver it again (and the resend is not duplicated).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { AddressedPoint, IngestResult, IngestService } from '@threadline/db/telemetry/ingest';
import type { EventIngest, RawEvent } from '@threadline/db/telemetry/events';
import { cameraTopic, decodeEvents, decodeFrame, decodePlain, eventTopicAsset, parseSparkplugTopic, SparkplugDecoder } from './mqtt-messages.ts';
import { MAX_FRAMES_PER_BATCH, type FrameIngest, type RawFrame } from '@threadline/db/vision/frame-ingest';
import { GroupCommit, type Sized } from './group-commit.ts';
import { systemClock, type Clock } from '@threadline/db/clock';

export interface MqttAdapterOptions {
  /** What stamps a reading's arrival (the system clock unless a test fixes it). */
  clock?: Clock;
  url: string;
  organizationId: string;
  /** Where points go: the database (IngestService) or the ingest log in front of it. */
  ingest: Pick<IngestService, 'ingestByAddress'>;
  events: Pick<EventIngest, 'ingest'>;
  /** Where camera frames go (camera topics); without it they are refused. */
  frames?: Pick<FrameIngest, 'ingest'>;
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
  /** Writes that failed, their messages left unacknowledged for the broker to deliver again. */
  failedWrites: number;
}

/** One received message: what it carries, and where its acknowledgement goes. */
interface Delivery extends Sized {
  topic: string;
  protocol: 'MQTT' | 'SPARKPLUG_B';
  points: AddressedPoint[];
  events: RawEvent[];
  frames: RawFrame[];
  stream: Duplex;
  client: MqttClient;
  messageId: number;
}

/** Handed to mqtt.js for every message, so that it reads on: the PUBACK follows once stored. */
const ACK_DEFERRED = new Error('acknowledged once stored');
/** Readings a write takes at most, and writes in flight at once. */
const BATCH_READINGS = 10_000;
/** What a frame weighs against readings in a write: a write takes at most MAX_FRAMES_PER_BATCH frames. */
const FRAME_SIZE = BATCH_READINGS / MAX_FRAMES_PER_BATCH;
const WRITES = 2;
/** Messages the broker may send a connection before it has acknowledged them (MQTT 5 receive maximum). */
const RECEIVE_MAXIMUM = 5_000;
const RETRY_MS = { first: 500, max: 30_000 };

/**
 * MQTT 5, with the acknowledgements in our hands: every message is decoded as it arrives and joins
 * the next write (group commit), and its PUBACK is sent once that write is stored, in arrival order.
 * Single-reading messages, what most devices send, so cost one row each instead of one statement
 * each. Several connections share the plain topics ($share/threadline-ingest/...), which the broker
 * balances between them; Sparkplug B stays on one connection, because its data messages name
 * metrics by aliases that only its births define. When a write fails, nothing in it is
 * acknowledged: the connections are dropped and come back after a growing pause, and the broker
 * delivers the unacknowledged messages again (stored ones are duplicates, not stored twice).
 */
export class MqttAdapter {
  readonly stats: MqttAdapterStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, undecodable: 0, failedWrites: 0 };
  private clients: MqttClient[] = [];
  private readonly sparkplug = new SparkplugDecoder();
  private readonly prefix: string;
  private readonly commits: GroupCommit<Delivery>;
  private retryMs = RETRY_MS.first;
  private stopping = false;

  constructor(private readonly options: MqttAdapterOptions) {
    this.prefix = options.topicPrefix ?? '';
    this.commits = new GroupCommit<Delivery>(
      (batch) => this.store(batch),
      (batch) => this.acknowledge(batch),
      { batchSize: BATCH_READINGS, writes: WRITES },
    );
  }

  async start(): Promise<void> {
    const count = Math.max(1, this.options.connections ?? 4);
    const base = this.options.clientId ?? `threadline-ingest-${process.pid}`;
    for (let i = 0; i < count; i += 1) this.clients.push(await this.connect(`${base}-${i}`));
    const shared = `$share/threadline-ingest/${this.prefix}threadline/#`;
    await Promise.all(this.clients.map((client, i) => client.subscribeAsync(i === 0 ? [shared, `${this.prefix}spBv1.0/#`] : [shared], { qos: 1 })));
    this.options.log.info({ url: this.options.url, prefix: this.prefix, connections: count }, 'MQTT adapter subscribed');
  }

  /**
   * One connection. The client exists before its first packet is read: a resumed session's backlog
   * arrives right after CONNACK, and every message of it must reach the handler (one the handler
   * skipped would stay unacknowledged in the session until the next reconnect).
   */
  private async connect(clientId: string): Promise<MqttClient> {
    const clientOptions: IClientOptions = {
      protocolVersion: 5,
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: 3_600, receiveMaximum: RECEIVE_MAXIMUM },
      reconnectPeriod: 1_000,
      // mqtt.js traces every packet through `debug` even when tracing is off; at 20,000 messages/s that shows.
      log: () => undefined,
      customHandleAcks: (topic, message, packet: { messageId: number; properties?: { userProperties?: Record<string, string | string[]> } }, done) => {
        this.receive(client, client.stream, topic, message, packet.messageId, packet.properties?.userProperties);
        done(ACK_DEFERRED);
      },
    };
    const client: MqttClient = mqtt.connect(this.options.url, clientOptions);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => {
        if (err === ACK_DEFERRED || client.connected) return;
        client.end(true);
        reject(err);
      });
    });
    client.on('error', (err) => {
      if (err !== ACK_DEFERRED) this.options.log.warn({ err }, 'MQTT error');
    });
    return client;
  }

  /** Resolves when the messages received so far are stored and acknowledged (or failed). */
  settled(): Promise<void> {
    return this.commits.settled();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.settled();
    await Promise.all(this.clients.map((c) => c.endAsync()));
    this.clients = [];
  }

  private receive(
    client: MqttClient,
    stream: Duplex,
    topic: string,
    message: Buffer,
    messageId: number,
    userProperties: Record<string, string | string[]> | undefined,
  ): void {
    this.stats.messages += 1;
    const logical = topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
    const arrivedAt = (this.options.clock ?? systemClock).now();
    const camera = cameraTopic(logical);
    if (camera) {
      const frames = this.options.frames ? [decodeFrame(camera, message, userProperties, arrivedAt)] : [];
      if (!this.options.frames) this.refuse(topic, 'camera frames are not taken here (no frame store configured)');
      this.commits.push({ topic, protocol: 'MQTT', points: [], events: [], frames, size: FRAME_SIZE, stream, client, messageId });
      return;
    }
    let points: AddressedPoint[] = [];
    let events: RawEvent[] = [];
    const eventAsset = eventTopicAsset(logical);
    const sparkplug = eventAsset ? null : parseSparkplugTopic(logical);
    const decoded = eventAsset
      ? decodeEvents(logical, eventAsset, message, arrivedAt)
      : sparkplug
        ? this.sparkplug.decode(sparkplug, message, arrivedAt)
        : decodePlain(logical, message, arrivedAt);
    if (!decoded.ok) this.refuse(topic, decoded.reason);
    else if ('events' in decoded) events = decoded.events;
    else points = decoded.points;
    // A message that can never be decoded is still acknowledged (in its turn), so it is not redelivered forever.
    const protocol = sparkplug ? 'SPARKPLUG_B' : 'MQTT';
    this.commits.push({ topic, protocol, points, events, frames: [], size: Math.max(1, points.length + events.length), stream, client, messageId });
  }

  private refuse(topic: string, reason: string): void {
    this.stats.undecodable += 1;
    this.options.log.warn({ topic, reason }, 'MQTT message refused');
  }

  /** Writes a batch's points (one call per protocol) and events; false when the store failed. */
  private async store(batch: Delivery[]): Promise<boolean> {
    try {
      for (const protocol of ['MQTT', 'SPARKPLUG_B'] as const) {
        const carrying = batch.filter((d) => d.protocol === protocol && d.points.length > 0);
        if (carrying.length === 0) continue;
        const result = await this.options.ingest.ingestByAddress(
          this.options.organizationId,
          protocol,
          carrying.flatMap((d) => d.points),
        );
        this.count(result, () => carrying.flatMap((d) => d.points.map(() => d.topic)));
      }
      const withEvents = batch.filter((d) => d.events.length > 0);
      if (withEvents.length > 0) {
        const result = await this.options.events.ingest(
          this.options.organizationId,
          withEvents.flatMap((d) => d.events),
        );
        this.count(result, () => withEvents.flatMap((d) => d.events.map(() => d.topic)));
      }
      const withFrames = batch.filter((d) => d.frames.length > 0);
      if (withFrames.length > 0 && this.options.frames) {
        const result = await this.options.frames.ingest(
          this.options.organizationId,
          withFrames.flatMap((d) => d.frames),
        );
        this.count(result, () => withFrames.map((d) => d.topic));
      }
      this.retryMs = RETRY_MS.first;
      return true;
    } catch (err) {
      this.stats.failedWrites += 1;
      this.options.log.error({ err, messages: batch.length, retryInMs: this.retryMs }, 'storing MQTT points failed; the messages will be redelivered');
      this.dropConnections(new Set(batch.map((d) => d.client)));
      return false;
    }
  }

  /** Ends the connections without acknowledging; they reconnect after a pause that grows while writes keep failing. */
  private dropConnections(clients: Set<MqttClient>): void {
    const pause = this.retryMs;
    this.retryMs = Math.min(RETRY_MS.max, this.retryMs * 2);
    for (const client of clients) {
      if (client.disconnecting || client.reconnecting) continue;
      client.end(true, () => {
        setTimeout(() => {
          if (!this.stopping) client.reconnect();
        }, pause).unref();
      });
    }
  }

  /** Sends the batch's PUBACKs, one write per connection; a connection that has since dropped gets none (the broker resends, and the resend is a duplicate). */
  private acknowledge(batch: Delivery[]): void {
    const acks = new Map<Duplex, Buffer[]>();
    for (const d of batch) {
      if (d.client.stream !== d.stream || !d.client.connected) continue;
      const list = acks.get(d.stream) ?? [];
      list.push(mqttPacket.generate({ cmd: 'puback', messageId: d.messageId, reasonCode: 0 }, { protocolVersion: 5 }));
      acks.set(d.stream, list);
    }
    for (const [stream, packets] of acks) stream.write(Buffer.concat(packets));
  }

  /** Adds a write's outcome to the stats; a refused point or event is logged with its message's topic (`topics()[i]` for item i). */
  private count(result: IngestResult, topics: () => string[]): void {
    this.stats.accepted += result.accepted;
    this.stats.duplicates += result.duplicates;
    this.stats.rejected += result.rejected.length;
    if (result.rejected.length > 0) {
      const topicOf = topics();
      this.options.log.warn({ rejected: result.rejected.map((r) => ({ topic: topicOf[r.index], reason: r.reason })) }, 'MQTT points refused');
    }
  }
}
