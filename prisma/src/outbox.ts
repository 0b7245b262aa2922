// The transactional outbox's writing side: a job recorded in the caller's transaction and a NOTIFY
// that wakes the relay when it commits (workers/src/outbox-relay.ts).
import type { RawSql } from './audit/audit-log.ts';

export const OUTBOX_CHANNEL = 'outbox';

export interface OutboxJob {
  organizationId: string;
  queue: string;
  name: string;
  /** The BullMQ job id: the same decision always names the same job. */
  jobId: string;
  payload: Record<string, unknown>;
}

export async function addToOutbox(db: RawSql, job: OutboxJob): Promise<void> {
  await db.$executeRawUnsafe(
    'INSERT INTO outbox (organization_id, queue, job_name, job_id, payload) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)',
    job.organizationId, job.queue, job.name, job.jobId, JSON.stringify(job.payload),
  );
  await db.$executeRawUnsafe('SELECT pg_notify($1, $2)', OUTBOX_CHANNEL, job.queue);
}
