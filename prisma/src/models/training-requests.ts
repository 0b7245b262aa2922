// Requesting a training run: a QUEUED row and a NOTIFY in the caller's transaction, so the run is
// announced exactly when it commits (the workers' relay enqueues it; QUEUED rows are picked up
// again at every workers start).
import type { RawSql } from '../audit/audit-log.ts';

export const TRAINING_CHANNEL = 'training_requested';

export async function announceTrainingRun(db: RawSql, organizationId: string, trainingRunId: string): Promise<void> {
  await db.$executeRawUnsafe('SELECT pg_notify($1, $2)', TRAINING_CHANNEL, `${organizationId}:${trainingRunId}`);
}
