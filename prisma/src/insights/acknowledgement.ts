// Acknowledging an insight: a person says they have seen it and are on it. Once per insight; the
// time counts towards MTTA (acknowledgedAt − raisedAt) and the act is in the audit trail.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { Insight } from '../client.ts';
import { written, type RawSql } from '../sql.ts';
import { Refusal } from '../refusal.ts';
import { systemClock } from '../clock.ts';

export async function acknowledgeInsight(
  db: RawSql,
  organizationId: string,
  insightId: string,
  userId: string,
  actor: AuditActor,
  now: Date = systemClock.now(),
): Promise<Insight> {
  const [insight] = await db.$queryRawUnsafe<{ acknowledged_at: Date | null }[]>(
    'SELECT acknowledged_at FROM insights WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    organizationId,
    insightId,
  );
  if (!insight) throw new Refusal(`Insight ${insightId} does not exist in your organisation.`, 'id');
  if (insight.acknowledged_at) throw new Refusal(`The insight was already acknowledged at ${insight.acknowledged_at.toISOString()}.`, 'id', 'CONFLICT');
  const acknowledged = await written<Insight>(
    db,
    'UPDATE insights SET acknowledged_at = $3, acknowledged_by_id = $4::uuid WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING *',
    organizationId,
    insightId,
    now,
    userId,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'insight.updated',
    actor,
    subjectType: 'insight',
    subjectId: insightId,
    payload: { acknowledgedAt: now.toISOString(), acknowledgedById: userId },
  });
  return acknowledged!;
}
