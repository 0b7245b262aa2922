// Signs the head of each organisation's audit chain (or one organisation's), so that cutting off
// the newest events is detectable. Idempotent: a head already signed is skipped.
import type pg from 'pg';
import { checkpointAuditChain, type Checkpoint } from '@threadline/db/audit/audit-log';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { organizationIds } from '@threadline/db/plant/organizations';

export interface AuditCheckpointDeps {
  pool: pg.Pool;
  signingKey: SigningKey;
}

/** What the job reports: one entry per chain head signed now (JSON-safe, for BullMQ). */
export interface CheckpointMade {
  organizationId: string;
  seq: string;
  hash: string;
}

export async function runAuditCheckpoint(deps: AuditCheckpointDeps, payload: { organizationId?: string | undefined }): Promise<CheckpointMade[]> {
  const organizations = await organizationIds(deps.pool, payload.organizationId);
  const made: CheckpointMade[] = [];
  for (const organizationId of organizations) {
    const checkpoint: Checkpoint | null = await checkpointAuditChain(deps.pool, organizationId, deps.signingKey);
    if (checkpoint) made.push({ organizationId, seq: checkpoint.seq.toString(), hash: checkpoint.hash });
  }
  return made;
}
