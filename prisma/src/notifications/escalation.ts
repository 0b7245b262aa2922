// Escalation: an insight a rule sent that is still neither acknowledged nor resolved once the rule's
// escalateAfterMinutes have passed goes on to the rule's escalation channel, once per insight and
// rule. Run on a schedule (notification-escalation) over every organisation.
import type pg from 'pg';
import { inTransaction, rawSqlOf, rows } from '../sql.ts';
import type { Clock } from '../clock.ts';
import type { NotificationChannelKind } from '../generated/prisma/enums.ts';
import { insightFacts, insightNotification } from './audit-events.ts';
import { recordDeliveries } from './fan-out.ts';

interface DueEscalation {
  organizationId: string;
  insightId: string;
  ruleId: string;
  ruleName: string;
  channelId: string;
  channelName: string;
  channelKind: NotificationChannelKind;
}

const escalationKey = (insightId: string, ruleId: string) => `escalation:${insightId}:${ruleId}`;

/** Records the escalations that are due; how many. */
export async function escalateUnacknowledged(pool: pg.Pool, clock: Clock, limit = 500): Promise<number> {
  const now = clock.now();
  const due = await rows<DueEscalation>(
    rawSqlOf(pool),
    `SELECT DISTINCT r.organization_id AS "organizationId", i.id AS "insightId", r.id AS "ruleId", r.name AS "ruleName",
            c.id AS "channelId", c.name AS "channelName", c.kind::text AS "channelKind"
       FROM notification_rules r
       JOIN notification_channels c ON c.id = r.escalation_channel_id
       JOIN notification_deliveries d ON d.rule_id = r.id AND d.event_kind = 'insight.raised'
       JOIN insights i ON i.organization_id = r.organization_id AND i.id = d.subject_id::uuid
      WHERE r.enabled AND r.escalate_after_minutes IS NOT NULL
        AND i.acknowledged_at IS NULL AND i.resolved_at IS NULL
        AND i.raised_at <= $1::timestamptz - make_interval(secs => r.escalate_after_minutes * 60)
        AND NOT EXISTS (SELECT 1 FROM notification_deliveries e WHERE e.channel_id = c.id AND e.event_key = 'escalation:' || i.id || ':' || r.id)
      LIMIT $2`,
    now,
    limit,
  );
  let recorded = 0;
  for (const escalation of due) {
    recorded += await inTransaction(pool, async (tx) => {
      const insight = await insightFacts(tx, escalation.organizationId, escalation.insightId);
      if (!insight) return 0;
      const minutesOpen = (now.getTime() - insight.raisedAt.getTime()) / 60_000;
      const event = {
        ...insightNotification(insight, { minutesOpen, rule: escalation.ruleName }),
        organizationId: escalation.organizationId,
        key: escalationKey(escalation.insightId, escalation.ruleId),
        subjectType: 'insight',
        subjectId: escalation.insightId,
        occurredAt: now.toISOString(),
      };
      return (await recordDeliveries(tx, event, [escalation])).length;
    });
  }
  return recorded;
}
