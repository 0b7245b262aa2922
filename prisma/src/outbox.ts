// The transactional outbox: a job recorded in the caller's transaction, checked against its
// catalogue entry (jobs.ts) before it is written, and a NOTIFY that wakes the relay when it
// commits (workers/src/outbox-relay.ts); the relay's reads and marks are here too. A job recorded
// inside a sampled trace carries its context (jobs.ts, withTrace), so the trace goes on in the queue.
import type pg from 'pg';
import { withTrace, type JobDefinition } from './jobs.ts';
import { currentTraceparent } from './observability/tracing.ts';
import { rawSqlOf, rows, type RawSql } from './sql.ts';

export const OUTBOX_CHANNEL = 'outbox';

export interface OutboxEntry<P> {
  organizationId: string;
  /** The BullMQ job id: the same decision always names the same job. */
  jobId: string;
  payload: P;
}

/** Records a job of the catalogue in the caller's transaction; a payload that does not fit its schema throws before anything is written. */
export async function addToOutbox<P>(db: RawSql, job: JobDefinition<P>, entry: OutboxEntry<P>): Promise<void> {
  const payload = job.payload.parse(entry.payload);
  const traceparent = currentTraceparent();
  await db.$executeRawUnsafe(
    'INSERT INTO outbox (organization_id, queue, job_name, job_id, payload) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)',
    entry.organizationId,
    job.queue,
    job.name,
    entry.jobId,
    JSON.stringify(withTrace(payload, traceparent ? { traceparent } : undefined)),
  );
  await db.$executeRawUnsafe('SELECT pg_notify($1, $2)', OUTBOX_CHANNEL, job.queue);
}

export interface OutboxRow {
  id: string;
  queue: string;
  jobName: string;
  jobId: string;
  payload: unknown;
}

/** Undispatched rows after `after` (an outbox id), oldest first. */
export function undispatchedOutbox(pool: pg.Pool, after: string, limit: number): Promise<OutboxRow[]> {
  return rows<OutboxRow>(
    rawSqlOf(pool),
    'SELECT id, queue, job_name AS "jobName", job_id AS "jobId", payload FROM outbox WHERE dispatched_at IS NULL AND id > $1 ORDER BY id LIMIT $2',
    after,
    limit,
  );
}

export async function markOutboxDispatched(pool: pg.Pool, ids: readonly string[]): Promise<void> {
  await pool.query('UPDATE outbox SET dispatched_at = now() WHERE id = ANY($1::bigint[]) AND dispatched_at IS NULL', [ids]);
}
