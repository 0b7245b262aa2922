// UUIDs: whether a value is one in its canonical text form, as ids are in every table, and
// time-ordered ones for high-volume rows.
import { randomBytes } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * A time-ordered UUID (version 7, RFC 9562) for `timeMs`: rows keyed by it are appended at the end
 * of their primary-key index instead of scattered through it (predictions insert twice as fast).
 */
export function uuidV7(timeMs: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(Math.max(0, Math.floor(timeMs)), 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
