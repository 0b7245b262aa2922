// Turns MQTT messages into addressed telemetry points, purely. Plain topics
// `threadline/<site>/<asset>/<signal>` carry JSON (a number, `{time, value, quality}` or a list of
// them) and are addressed by their topic. Sparkplug B topics `spBv1.0/<group>/<type>/<node>[/<device>]`
// carry protobuf metrics addressed as `<group>/<node>/<device>/<metric>`; BIRTH messages teach
// the metric aliases that later DATA messages may use instead of names.
import { get as sparkplugNamespace } from 'sparkplug-payload';
import type { AddressedPoint } from '@threadline/db/telemetry/ingest';
import type { RawFrame } from '@threadline/db/vision/frame-ingest';
import type { RawEvent } from '@threadline/db/telemetry/events';

export type Decoded = { ok: true; points: AddressedPoint[] } | { ok: false; reason: string };

interface JsonReading {
  time?: unknown;
  t?: unknown;
  value?: unknown;
  v?: unknown;
  quality?: unknown;
  q?: unknown;
}

/** A plain JSON message; readings without a time are stamped with the arrival time. */
export function decodePlain(topic: string, payload: Buffer, arrivedAt: Date): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: `payload on ${topic} is not JSON` };
  }
  const readings = Array.isArray(body) ? body : [body];
  const points = readings.map((reading): AddressedPoint => {
    if (typeof reading === 'number' || reading === null) return { address: topic, time: arrivedAt, value: reading };
    const r = (reading ?? {}) as JsonReading;
    return { address: topic, time: r.time ?? r.t ?? arrivedAt, value: r.value ?? r.v, quality: r.quality ?? r.q };
  });
  return { ok: true, points };
}

/** The asset code of an events topic `threadline/<site>/<asset>/events`, or null. */
export function eventTopicAsset(topic: string): string | null {
  if (!topic.endsWith('/events')) return null;
  return /^threadline\/[^/]+\/([^/]+)\/events$/.exec(topic)?.[1] ?? null;
}

/** Events on an events topic: an object or a list, the asset from the topic, time defaulting to arrival. */
export function decodeEvents(
  topic: string,
  assetCode: string,
  payload: Buffer,
  arrivedAt: Date,
): { ok: true; events: RawEvent[] } | { ok: false; reason: string } {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: `payload on ${topic} is not JSON` };
  }
  const list = Array.isArray(body) ? body : [body];
  return { ok: true, events: list.map((e) => ({ time: arrivedAt.toISOString(), ...(e as object), assetCode, assetId: undefined })) };
}

/** The asset code and camera of a camera topic `threadline/<site>/<asset>/camera/<camera>`, or null. */
export function cameraTopic(topic: string): { assetCode: string; camera: string } | null {
  const match = /^threadline\/[^/]+\/([^/]+)\/camera\/([^/]+)$/.exec(topic);
  return match ? { assetCode: match[1]!, camera: match[2]! } : null;
}

/**
 * A frame from a camera topic: the payload is the image itself (JPEG or PNG); its capture time is
 * the MQTT 5 user property `time` (RFC 3339 or epoch milliseconds), else the arrival; a user
 * property `label` (GOOD or DEFECT) labels it. The bytes are checked by the frame ingest path.
 */
export function decodeFrame(
  camera: { assetCode: string; camera: string },
  payload: Buffer,
  userProperties: Record<string, string | string[]> | undefined,
  arrivedAt: Date,
): RawFrame {
  const property = (name: string) => {
    const value = userProperties?.[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const time = property('time');
  return {
    assetCode: camera.assetCode,
    camera: camera.camera,
    time: time ?? arrivedAt,
    bytes: payload,
    ...(property('label') !== undefined ? { label: property('label') } : {}),
  };
}

export interface SparkplugTopic {
  group: string;
  type: string;
  node: string;
  device: string | null;
}

export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  if (!topic.startsWith('spBv1.0/')) return null;
  const parts = topic.split('/');
  if (parts[0] !== 'spBv1.0' || parts.length < 4 || parts.length > 5) return null;
  return { group: parts[1]!, type: parts[2]!, node: parts[3]!, device: parts[4] ?? null };
}

const DATA_TYPES = new Set(['NBIRTH', 'DBIRTH', 'NDATA', 'DDATA']);
/** Sparkplug's own session and control metrics, which are not plant readings. */
const isControlMetric = (name: string) =>
  name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/') || name.startsWith('Properties/');
const payloads = sparkplugNamespace('spBv1.0')!;

function numeric(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return undefined;
}

/** Keeps the alias → name maps that BIRTH messages announce, per edge node and device. */
export class SparkplugDecoder {
  private readonly aliases = new Map<string, Map<string, string>>();

  decode(topic: SparkplugTopic, payload: Buffer, arrivedAt: Date): Decoded {
    if (!DATA_TYPES.has(topic.type)) return { ok: true, points: [] };
    let message: ReturnType<typeof payloads.decodePayload>;
    try {
      message = payloads.decodePayload(payload);
    } catch {
      return { ok: false, reason: `Sparkplug payload on ${topic.group}/${topic.node} could not be decoded` };
    }
    const scope = `${topic.group}/${topic.node}/${topic.device ?? ''}`;
    if (topic.type.endsWith('BIRTH')) this.aliases.set(scope, new Map());
    const aliases = this.aliases.get(scope) ?? new Map<string, string>();
    const points: AddressedPoint[] = [];
    for (const metric of message.metrics ?? []) {
      const alias = metric.alias === undefined || metric.alias === null ? null : String(metric.alias);
      if (metric.name && alias !== null && topic.type.endsWith('BIRTH')) aliases.set(alias, metric.name);
      const name = metric.name ?? (alias !== null ? aliases.get(alias) : undefined);
      if (!name) return { ok: false, reason: `metric alias ${alias} on ${scope} was never announced in a BIRTH` };
      if (isControlMetric(name)) continue;
      const value = numeric(metric.value);
      const stamp = numeric(metric.timestamp) ?? numeric(message.timestamp);
      points.push({
        address: `${topic.group}/${topic.node}/${topic.device ?? ''}/${name}`.replace('//', '/'),
        time: stamp ? new Date(stamp) : arrivedAt,
        value: value === undefined ? Number.NaN : value,
        quality: metric.isNull ? 'BAD' : undefined,
      });
    }
    this.aliases.set(scope, aliases);
    return { ok: true, points };
  }
}
