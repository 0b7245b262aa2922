// The rules a telemetry point must meet, as a pure function: a point is refused with its reason,
// or accepted with a quality that flags values outside the signal's normal range.
import { Quality, type QualityCode, type TelemetryPoint } from './storage.ts';
import { isUuid } from '../uuid.ts';
import { parseRfc3339, RFC3339_HINT } from '../rfc3339.ts';

/** How far ahead of the server's clock a point may be stamped (device clock skew). */
const MAX_FUTURE_MS = 5 * 60_000;
/** The oldest point accepted (backfills older than this belong in an import job). */
const OLDEST = Date.UTC(2000, 0, 1);

export interface SignalRange {
  minValue: number | null;
  maxValue: number | null;
}

export interface KnownSignal extends SignalRange {
  id: string;
}

export interface RawPoint {
  signalId?: unknown;
  time?: unknown;
  value?: unknown;
  quality?: unknown;
}

export const QUALITY_NAMES: Record<string, QualityCode> = {
  GOOD: Quality.GOOD,
  OUT_OF_RANGE: Quality.OUT_OF_RANGE,
  UNCERTAIN: Quality.UNCERTAIN,
  BAD: Quality.BAD,
};

export type Checked = { ok: true; point: TelemetryPoint } | { ok: false; reason: string };

/** The signal id of a raw point when it has a well-formed one. */
export function signalIdOf(raw: RawPoint): string | null {
  return isUuid(raw.signalId) ? raw.signalId.toLowerCase() : null;
}

/** A reading's or event's timestamp, or the reason it is refused. */
export function checkTime(raw: unknown, now: number): Date | string {
  const time = typeof raw === 'string' ? parseRfc3339(raw) : typeof raw === 'number' && Number.isFinite(raw) ? new Date(raw) : raw instanceof Date ? raw : null;
  if (!time || Number.isNaN(time.getTime())) return `time must be ${RFC3339_HINT}, or epoch milliseconds`;
  if (time.getTime() > now + MAX_FUTURE_MS) return 'time is more than 5 minutes in the future; check the device clock';
  if (time.getTime() < OLDEST) return 'time is before 2000-01-01';
  return time;
}

/** `signal` is the resolved signal, or the reason the point's signal could not be resolved. */
export function checkPoint(raw: RawPoint, signal: KnownSignal | string, now: number, receivedAt: Date): Checked {
  if (typeof signal === 'string') return { ok: false, reason: signal };
  const time = checkTime(raw.time, now);
  if (typeof time === 'string') return { ok: false, reason: time };
  if (raw.value !== null && (typeof raw.value !== 'number' || !Number.isFinite(raw.value))) {
    return { ok: false, reason: 'value must be a finite number or null' };
  }
  let quality: QualityCode = Quality.GOOD;
  if (raw.quality !== undefined && raw.quality !== null) {
    const named = typeof raw.quality === 'string' ? QUALITY_NAMES[raw.quality] : undefined;
    if (named === undefined) return { ok: false, reason: `quality must be one of ${Object.keys(QUALITY_NAMES).join(', ')}` };
    quality = named;
  }
  const value = raw.value as number | null;
  const outside = value !== null && ((signal.minValue !== null && value < signal.minValue) || (signal.maxValue !== null && value > signal.maxValue));
  if (outside && quality < Quality.OUT_OF_RANGE) quality = Quality.OUT_OF_RANGE;
  if (value === null && quality < Quality.BAD) quality = Quality.BAD;
  return { ok: true, point: { signalId: signal.id, time, value, quality, receivedAt } };
}
