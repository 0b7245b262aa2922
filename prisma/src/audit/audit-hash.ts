// The audit chain's formula (DESIGN §2): hashₙ = SHA-256(hashₙ₋₁ ‖ RFC 8785 canonical JSON of
// eventₙ), genesis 64 zeros. Pure, so that writers, the verifier and tests share one definition.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export type ActorKindName = 'USER' | 'API_KEY' | 'SYSTEM' | 'CLIENT';
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The hashed content of one event: everything but its own hash and row id. */
export interface AuditEventContent {
  organizationId: string;
  seq: number;
  type: string;
  actorKind: ActorKindName;
  actorId: string | null;
  actorLabel: string;
  subjectType: string;
  subjectId: string | null;
  payload: JsonValue;
  occurredAt: Date;
  prevHash: string;
}

export function canonicalEventJson(event: AuditEventContent): string {
  const { prevHash: _prev, occurredAt, ...rest } = event;
  const text = canonicalize({ ...rest, occurredAt: occurredAt.toISOString() });
  if (text === undefined) throw new Error('audit event is not serialisable as JSON');
  return text;
}

export function chainHash(prevHash: string, event: AuditEventContent): string {
  return createHash('sha256').update(prevHash).update(canonicalEventJson(event)).digest('hex');
}
