// Every mutation is a command: its change and its audit event commit in one transaction, or
// neither does. Driver errors a caller caused come back as coded ThreadlineErrors.
import { appendAuditEvent } from '@threadline/db/audit/audit-log';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { actorOf } from '../auth/principal.ts';
import { tenantOf, type Context } from '../context.ts';
import type { AuditEventType } from '@threadline/db/audit/catalogue';
import type { TenantClient } from './entity-repository.ts';
import { fromDatabaseError } from './errors.ts';

export interface CommandOutcome<T> {
  result: T;
  subjectId: string;
  payload: Record<string, JsonValue>;
}

export async function runCommand<T>(
  ctx: Context,
  event: { type: AuditEventType; subjectType: string },
  work: (tx: TenantClient) => Promise<CommandOutcome<T>>,
): Promise<T> {
  const { principal, tenant } = tenantOf(ctx);
  try {
    return await tenant.$transaction(async (tx) => {
      const outcome = await work(tx);
      await appendAuditEvent(tx, {
        organizationId: principal.organizationId,
        type: event.type,
        actor: actorOf(principal),
        subjectType: event.subjectType,
        subjectId: outcome.subjectId,
        payload: outcome.payload,
      });
      return outcome.result;
    });
  } catch (error) {
    throw fromDatabaseError(error) ?? error;
  }
}

/** A row as audit JSON: dates as ISO strings, big integers as strings, bytes and secrets left out. */
export function auditJson(row: Record<string, unknown>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'organizationId' || key === 'passwordHash' || key === 'secretHash' || key === 'secret' || value instanceof Uint8Array) continue;
    out[key] = toJson(value);
  }
  return out;
}

function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value as JsonValue;
}

/** Fields whose values differ, as { field: [before, after] }. */
export function auditDiff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, JsonValue> {
  const a = auditJson(before);
  const b = auditJson(after);
  const changes: Record<string, JsonValue> = {};
  for (const key of Object.keys(b)) {
    if (key === 'updatedAt') continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changes[key] = [a[key] ?? null, b[key] ?? null];
  }
  return changes;
}
