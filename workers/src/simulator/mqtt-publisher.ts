// The simulator's MQTT side: plain JSON readings on threadline/<site>/<asset>/<signal>, Sparkplug B
// births and data from the gateway named in the signals' addresses, and camera frames, QoS 1.
import mqtt, { type MqttClient } from 'mqtt';
import { get as sparkplugNamespace } from 'sparkplug-payload';
import type { SimSignal } from './scenario.ts';
import type { SimEvent } from './alarms.ts';
import { cameraTopic, type CameraShot } from './cameras.ts';

const sparkplug = sparkplugNamespace('spBv1.0')!;

interface Device {
  topic: string;
  metrics: { name: string; alias: number; address: string }[];
}

export class SimulatorMqttPublisher {
  private client: MqttClient | null = null;
  private readonly devices = new Map<string, Device>();
  private readonly nodes = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly topicPrefix = '',
  ) {}

  async start(signals: readonly SimSignal[]): Promise<void> {
    this.client = await mqtt.connectAsync(this.url, { clientId: `threadline-simulator-${process.pid}`, protocolVersion: 5 });
    for (const signal of signals.filter((s) => s.protocol === 'SPARKPLUG_B')) {
      const [group, node, device, metric] = signal.address.split('/') as [string, string, string, string];
      this.nodes.add(`${group}/${node}`);
      const key = `${group}/${node}/${device}`;
      const entry = this.devices.get(key) ?? { topic: `spBv1.0/${group}/DDATA/${node}/${device}`, metrics: [] };
      entry.metrics.push({ name: metric, alias: entry.metrics.length + 1, address: signal.address });
      this.devices.set(key, entry);
    }
  }

  /** Sends births for every Sparkplug node and device, with their metric aliases. */
  async birth(values: ReadonlyMap<string, number>, time: Date): Promise<void> {
    for (const node of this.nodes) {
      const [group, name] = node.split('/') as [string, string];
      await this.send(
        `spBv1.0/${group}/NBIRTH/${name}`,
        sparkplug.encodePayload({ timestamp: time.getTime(), seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }),
      );
    }
    for (const device of this.devices.values()) {
      await this.send(
        device.topic.replace('/DDATA/', '/DBIRTH/'),
        sparkplug.encodePayload({
          timestamp: time.getTime(),
          metrics: device.metrics.map((m) => ({ name: m.name, alias: m.alias, type: 'Double', value: values.get(m.address) ?? 0, timestamp: time.getTime() })),
        }),
      );
    }
  }

  /** One tick: a JSON reading per plain topic, one DDATA (by alias) per Sparkplug device. */
  async publish(signals: readonly SimSignal[], values: ReadonlyMap<string, number>, time: Date): Promise<number> {
    let messages = 0;
    for (const signal of signals.filter((s) => s.protocol === 'MQTT')) {
      await this.send(signal.address, JSON.stringify({ time: time.toISOString(), value: values.get(signal.address) }));
      messages += 1;
    }
    for (const device of this.devices.values()) {
      await this.send(
        device.topic,
        sparkplug.encodePayload({
          timestamp: time.getTime(),
          metrics: device.metrics.map((m) => ({ alias: m.alias, type: 'Double', value: values.get(m.address) ?? 0, timestamp: time.getTime() })),
        }),
      );
      messages += 1;
    }
    return messages;
  }

  /** Plant events on threadline/<site>/<asset>/events. */
  async publishEvents(events: readonly SimEvent[]): Promise<void> {
    for (const { site, assetCode, ...event } of events) await this.send(`threadline/${site.toLowerCase()}/${assetCode}/events`, JSON.stringify(event));
  }

  /** Camera frames on threadline/<site>/<asset>/camera/<camera>, capture time as a user property. */
  async publishFrames(shots: readonly CameraShot[]): Promise<void> {
    for (const shot of shots) {
      await this.client!.publishAsync(this.topicPrefix + cameraTopic(shot.station), shot.jpeg, {
        qos: 1,
        properties: { userProperties: { time: shot.time.toISOString() } },
      });
    }
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }

  private async send(topic: string, payload: string | Uint8Array): Promise<void> {
    await this.client!.publishAsync(this.topicPrefix + topic, Buffer.from(payload), { qos: 1 });
  }
}
