// The audit trail's repository: appends chained events inside the caller's transaction, signs
// checkpoints of the chain head, and verifies a whole chain against its checkpoints.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { RawSql } from '../sql.ts';
import { catalogued, type AuditEventType } from './catalogue.ts';
import { chainHash, GENESIS_HASH, type ActorKindName, type AuditEventContent, type JsonValue } from './audit-hash.ts';
import { checkpointSignatureValid, signCheckpoint, type SigningKey } from './audit-keys.ts';
import { systemClock, type Clock } from '../clock.ts';
import { addToOutbox } from '../outbox.ts';
import { notificationFanoutJob } from '../jobs.ts';
import { NOTIFYING_AUDIT_TYPES } from '../notifications/audit-types.ts';

export interface AuditActor {
  kind: ActorKindName;
  id: string | null;
  label: string;
}

export interface AuditInput {
  organizationId: string;
  /** A type of the catalogue (catalogue.ts); the payload must fit its schema, and gets its version as `v`. */
  type: AuditEventType;
  actor: AuditActor;
  subjectType: string;
  subjectId: string | null;
  payload: Record<string, JsonValue>;
}

export interface AppendedEvent {
  id: string;
  seq: bigint;
  hash: string;
}

/**
 * Appends one event to its organisation's chain. Call it inside the transaction that makes the
 * change, so the event and the change commit or fail together.
 */
export async function appendAuditEvent(tx: RawSql, input: AuditInput, clock: Clock = systemClock): Promise<AppendedEvent> {
  const payload = catalogued(input.type, input.payload);
  await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `audit:${input.organizationId}`);
  const head = await tx.$queryRawUnsafe<{ seq: bigint | string; hash: string }[]>(
    'SELECT seq, hash FROM audit_events WHERE organization_id = $1::uuid ORDER BY seq DESC LIMIT 1',
    input.organizationId,
  );
  // Prisma returns BIGINT as bigint, node-postgres as a string.
  const seq = BigInt(head[0]?.seq ?? 0) + 1n;
  const prevHash = head[0]?.hash ?? GENESIS_HASH;
  const occurredAt = clock.now();
  const content: AuditEventContent = {
    organizationId: input.organizationId,
    seq: Number(seq),
    type: input.type,
    actorKind: input.actor.kind,
    actorId: input.actor.id,
    actorLabel: input.actor.label,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    payload,
    occurredAt,
    prevHash,
  };
  const hash = chainHash(prevHash, content);
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO audit_events (organization_id, seq, type, actor_kind, actor_id, actor_label, subject_type, subject_id, payload, occurred_at, prev_hash, hash)
     VALUES ($1::uuid, $2, $3, $4::actor_kind, $5, $6, $7, $8, $9::jsonb, $10, $11, $12) RETURNING id`,
    input.organizationId,
    seq,
    input.type,
    input.actor.kind,
    input.actor.id,
    input.actor.label,
    input.subjectType,
    input.subjectId,
    JSON.stringify(payload),
    occurredAt,
    prevHash,
    hash,
  );
  const id = rows[0]!.id;
  // The notification centre hears of the events people are told about in the same transaction.
  if (NOTIFYING_AUDIT_TYPES.has(input.type)) {
    await addToOutbox(tx, notificationFanoutJob, {
      organizationId: input.organizationId,
      jobId: `notify-${id}`,
      payload: { organizationId: input.organizationId, auditEventId: id },
    });
  }
  return { id, seq, hash };
}

export interface Checkpoint {
  seq: bigint;
  hash: string;
  keyId: string;
  createdAt: Date;
}

/** Signs the organisation's current chain head; returns null when the chain is empty or already checkpointed. */
export async function checkpointAuditChain(pool: pg.Pool, organizationId: string, key: SigningKey): Promise<Checkpoint | null> {
  const head = await pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_events WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1', [
    organizationId,
  ]);
  const row = head.rows[0];
  if (!row) return null;
  const seq = BigInt(row.seq);
  const signature = signCheckpoint(key, organizationId, seq, row.hash);
  const inserted = await pool.query<{ created_at: Date }>(
    `INSERT INTO audit_checkpoints (organization_id, seq, hash, signature, key_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (organization_id, seq) DO NOTHING RETURNING created_at`,
    [organizationId, seq.toString(), row.hash, signature, key.keyId],
  );
  const created = inserted.rows[0];
  return created ? { seq, hash: row.hash, keyId: key.keyId, createdAt: created.created_at } : null;
}

export type ChainBreak =
  'HASH_MISMATCH' | 'LINK_MISMATCH' | 'SEQUENCE_GAP' | 'TRUNCATED' | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_SIGNATURE_INVALID' | 'CHECKPOINT_KEY_UNKNOWN';

export interface ChainVerification {
  ok: boolean;
  eventsChecked: number;
  headSeq: bigint;
  headHash: string;
  checkpointsChecked: number;
  latestCheckpointSeq: bigint | null;
  firstBroken: { seq: bigint; eventId: string | null; reason: ChainBreak; detail: string } | null;
}

interface EventRow {
  id: string;
  seq: string;
  type: string;
  actor_kind: ActorKindName;
  actor_id: string | null;
  actor_label: string;
  subject_type: string;
  subject_id: string | null;
  payload: JsonValue;
  occurred_at: Date;
  prev_hash: string;
  hash: string;
}

const PAGE = 5000;

/**
 * Recomputes every hash of the organisation's chain in order and checks each signed checkpoint
 * against it. The first failure found is named, earliest sequence number first.
 */
export async function verifyAuditChain(pool: pg.Pool, organizationId: string, trustedKeys: ReadonlyMap<string, KeyObject>): Promise<ChainVerification> {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1n;
  let eventsChecked = 0;
  let firstBroken: ChainVerification['firstBroken'] = null;
  const hashes = new Map<bigint, string>();
  const checkpoints = await pool.query<{ seq: string; hash: string; signature: string; key_id: string }>(
    'SELECT seq, hash, signature, key_id FROM audit_checkpoints WHERE organization_id = $1 ORDER BY seq',
    [organizationId],
  );
  const checkpointSeqs = new Set(checkpoints.rows.map((c) => BigInt(c.seq)));

  for (;;) {
    const { rows } = await pool.query<EventRow>(
      `SELECT id, seq, type, actor_kind, actor_id, actor_label, subject_type, subject_id, payload, occurred_at, prev_hash, hash
         FROM audit_events WHERE organization_id = $1 AND seq >= $2 ORDER BY seq LIMIT ${PAGE}`,
      [organizationId, expectedSeq.toString()],
    );
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (!firstBroken) {
        firstBroken = checkRow(row, seq, expectedSeq, expectedPrev, organizationId);
      }
      if (checkpointSeqs.has(seq)) hashes.set(seq, row.hash);
      expectedPrev = row.hash;
      expectedSeq = seq + 1n;
      eventsChecked += 1;
    }
    if (rows.length < PAGE) break;
  }

  const headSeq = expectedSeq - 1n;
  let latestCheckpointSeq: bigint | null = null;
  for (const checkpoint of checkpoints.rows) {
    const seq = BigInt(checkpoint.seq);
    latestCheckpointSeq = seq;
    const key = trustedKeys.get(checkpoint.key_id);
    const problem: [ChainBreak, string] | null = !key
      ? ['CHECKPOINT_KEY_UNKNOWN', `checkpoint at ${seq} is signed by key ${checkpoint.key_id}, which is not trusted`]
      : !checkpointSignatureValid(key, organizationId, seq, checkpoint.hash, checkpoint.signature)
        ? ['CHECKPOINT_SIGNATURE_INVALID', `checkpoint at ${seq} has an invalid signature`]
        : seq > headSeq
          ? ['TRUNCATED', `a checkpoint signed event ${seq} but the chain ends at ${headSeq}: events after ${headSeq} were removed`]
          : hashes.get(seq) !== checkpoint.hash
            ? ['CHECKPOINT_MISMATCH', `event ${seq} no longer has the hash its checkpoint signed`]
            : null;
    if (problem && (!firstBroken || seq < firstBroken.seq)) {
      const truncated = problem[0] === 'TRUNCATED';
      firstBroken = { seq: truncated ? headSeq + 1n : seq, eventId: null, reason: problem[0], detail: problem[1] };
    }
  }

  return {
    ok: firstBroken === null,
    eventsChecked,
    headSeq,
    headHash: expectedPrev,
    checkpointsChecked: checkpoints.rows.length,
    latestCheckpointSeq,
    firstBroken,
  };
}

function checkRow(row: EventRow, seq: bigint, expectedSeq: bigint, expectedPrev: string, organizationId: string): ChainVerification['firstBroken'] {
  if (seq !== expectedSeq) {
    return { seq: expectedSeq, eventId: null, reason: 'SEQUENCE_GAP', detail: `events ${expectedSeq} to ${seq - 1n} are missing` };
  }
  if (row.prev_hash !== expectedPrev) {
    return { seq, eventId: row.id, reason: 'LINK_MISMATCH', detail: `event ${seq} does not point at the hash of event ${seq - 1n}` };
  }
  const recomputed = chainHash(expectedPrev, {
    organizationId,
    seq: Number(seq),
    type: row.type,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    payload: row.payload,
    occurredAt: row.occurred_at,
    prevHash: row.prev_hash,
  });
  if (recomputed !== row.hash) {
    return { seq, eventId: row.id, reason: 'HASH_MISMATCH', detail: `event ${seq} was changed after it was written` };
  }
  return null;
}
