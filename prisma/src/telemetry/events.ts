// Plant events (alarms, state changes, log lines) through one ingest path, as telemetry: each event
// is checked, the valid ones stored idempotently on (asset, time, kind, code), and each refused one
// reported with its index and reason. STOPPED and RUNNING state changes open and close incidents.
import type pg from 'pg';
import { checkTime } from './point-rules.ts';
import { assetOf, namedAssets } from './asset-keys.ts';
import type { IngestResult, RejectedPoint } from './ingest.ts';
import { applyStateChanges } from './incidents-from-events.ts';
import { systemClock, type Clock } from '../clock.ts';

export const EVENT_KINDS = ['ALARM', 'STATE_CHANGE', 'LOG'] as const;
export const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;

export interface RawEvent {
  assetId?: unknown;
  /** Alternative to assetId, for plant adapters that know asset codes (MQTT topics). */
  assetCode?: unknown;
  time?: unknown;
  kind?: unknown;
  severity?: unknown;
  code?: unknown;
  message?: unknown;
  attributes?: unknown;
}

interface ValidEvent {
  assetId: string;
  time: Date;
  kind: string;
  severity: string;
  code: string;
  message: string;
  attributes: string;
}

const INSERT = `
INSERT INTO plant_events (organization_id, asset_id, time, kind, severity, code, message, attributes, received_at)
SELECT $1, * FROM unnest($2::uuid[], $3::timestamptz[], $4::plant_event_kind[], $5::severity[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
ON CONFLICT (asset_id, time, kind, code) DO NOTHING
RETURNING asset_id, time, kind, code, severity, message`;

export class EventIngest {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock = systemClock,
  ) {}

  async ingest(organizationId: string, raw: readonly RawEvent[]): Promise<IngestResult> {
    const assets = await namedAssets(this.pool, organizationId, raw);
    const now = this.clock.nowMs();
    const rejected: RejectedPoint[] = [];
    const valid: ValidEvent[] = [];
    raw.forEach((event, index) => {
      const checked = checkEvent(event, assets, now);
      if (typeof checked === 'string') rejected.push({ index, reason: checked });
      else valid.push(checked);
    });
    if (valid.length === 0) return { accepted: 0, duplicates: 0, rejected };
    const receivedAt = new Date(now);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await client.query<{ asset_id: string; time: Date; kind: string; code: string; severity: string; message: string }>(INSERT, [
        organizationId,
        valid.map((e) => e.assetId),
        valid.map((e) => e.time),
        valid.map((e) => e.kind),
        valid.map((e) => e.severity),
        valid.map((e) => e.code),
        valid.map((e) => e.message),
        valid.map((e) => e.attributes),
        valid.map(() => receivedAt),
      ]);
      // Only events stored now change incidents, so a resend never opens or closes one twice.
      await applyStateChanges(
        client,
        organizationId,
        result.rows
          .filter((e) => e.kind === 'STATE_CHANGE')
          .map((e) => ({ assetId: e.asset_id, time: e.time, code: e.code, severity: e.severity, message: e.message })),
      );
      await client.query('COMMIT');
      const accepted = result.rowCount ?? 0;
      return { accepted, duplicates: valid.length - accepted, rejected };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

/** The event ready to store, or the reason it is refused. */
export function checkEvent(event: RawEvent, assets: ReadonlyMap<string, string>, now: number): ValidEvent | string {
  const asset = assetOf(event, assets);
  if (typeof asset === 'string') return asset;
  const { assetId } = asset;
  const time = checkTime(event.time, now);
  if (typeof time === 'string') return time;
  if (!(EVENT_KINDS as readonly unknown[]).includes(event.kind)) return `kind must be one of ${EVENT_KINDS.join(', ')}`;
  const severity = event.severity ?? 'INFO';
  if (!(SEVERITIES as readonly unknown[]).includes(severity)) return `severity must be one of ${SEVERITIES.join(', ')}`;
  if (typeof event.code !== 'string' || event.code.length < 1 || event.code.length > 120 || event.code.includes('\0') || LONE_SURROGATE.test(event.code)) {
    return 'code must be 1-120 characters';
  }
  const message = event.message ?? '';
  if (typeof message !== 'string' || message.length > 4000 || message.includes('\0') || LONE_SURROGATE.test(message)) {
    return 'message must be text of at most 4000 characters';
  }
  const attributes = event.attributes ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return 'attributes must be an object';
  const unstorable = jsonbProblem(attributes, 0);
  if (unstorable) return `attributes ${unstorable}`;
  const json = JSON.stringify(attributes);
  // PostgreSQL text and jsonb cannot hold NUL characters.
  if (json.length > 16_384 || json.includes('\\u0000')) return 'attributes must be at most 16 KiB of JSON without NUL characters';
  return { assetId, time, kind: event.kind as string, severity: severity as string, code: event.code, message, attributes: json };
}

/** A UTF-16 surrogate without its pair: not Unicode text, and refused by PostgreSQL's jsonb. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Deeper JSON than this is refused before it reaches PostgreSQL (which would fail the whole batch). */
const MAX_ATTRIBUTE_DEPTH = 32;

/** Why PostgreSQL's jsonb would not take the value (too deep, or a key or string that is not Unicode text), or null. */
function jsonbProblem(value: unknown, depth: number): string | null {
  if (depth > MAX_ATTRIBUTE_DEPTH) return `must nest at most ${MAX_ATTRIBUTE_DEPTH} levels deep`;
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? 'must be valid Unicode text (a lone surrogate such as \\ud800 is not)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return 'must be valid Unicode text (a lone surrogate such as \\ud800 is not)';
    const problem = jsonbProblem(inner, depth + 1);
    if (problem) return problem;
  }
  return null;
}
