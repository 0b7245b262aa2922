// From an event to its deliveries: the enabled rules whose kinds, least severity and scope (use
// case, asset, asset type; unset is any) match it, one delivery per channel however many rules name
// it, each recorded with a delivery job in the outbox in one transaction. An event has a key, so
// fanning it out again (a retried job) records nothing twice.
import type pg from 'pg';
import { inTransaction, rows, type RawSql } from '../sql.ts';
import { addToOutbox } from '../outbox.ts';
import { notificationDeliveryJob } from '../jobs.ts';
import type { NotificationChannelKind } from '../generated/prisma/enums.ts';
import type { NotificationEvent } from './catalogue.ts';

export interface DeliveryTarget {
  /** Null for a test an administrator sent. */
  ruleId: string | null;
  ruleName: string;
  channelId: string;
  channelName: string;
  channelKind: NotificationChannelKind;
}

export function matchingRules(db: RawSql, event: NotificationEvent): Promise<DeliveryTarget[]> {
  return rows<DeliveryTarget>(
    db,
    `SELECT r.id AS "ruleId", r.name AS "ruleName", c.id AS "channelId", c.name AS "channelName", c.kind::text AS "channelKind"
       FROM notification_rules r JOIN notification_channels c ON c.id = r.channel_id
      WHERE r.organization_id = $1::uuid AND r.enabled AND $2 = ANY (r.event_kinds) AND r.min_severity <= $3::severity
        AND (r.use_case_id IS NULL OR r.use_case_id = $4::uuid)
        AND (r.asset_id IS NULL OR r.asset_id = $5::uuid)
        AND (r.asset_type_id IS NULL OR r.asset_type_id = $6::uuid)
      ORDER BY r.created_at, r.id`,
    event.organizationId,
    event.kind,
    event.severity,
    event.scope.useCaseId,
    event.scope.assetId,
    event.scope.assetTypeId,
  );
}

/** Records a delivery per target channel not yet sent this event, with its job; the new deliveries' ids. */
export async function recordDeliveries(db: RawSql, event: NotificationEvent, targets: readonly DeliveryTarget[]): Promise<string[]> {
  const created: string[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.channelId)) continue;
    seen.add(target.channelId);
    const [inserted] = await rows<{ id: string }>(
      db,
      `INSERT INTO notification_deliveries (organization_id, rule_id, rule_name, channel_id, channel_name, channel_kind, event_kind, event_key,
                                            subject_type, subject_id, severity, title, event)
       VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6::notification_channel_kind, $7, $8, $9, $10, $11::severity, $12, $13::jsonb)
       ON CONFLICT (channel_id, event_key) DO NOTHING RETURNING id`,
      event.organizationId,
      target.ruleId,
      target.ruleName,
      target.channelId,
      target.channelName,
      target.channelKind,
      event.kind,
      event.key,
      event.subjectType,
      event.subjectId,
      event.severity,
      event.title,
      JSON.stringify(event),
    );
    if (!inserted) continue;
    await addToOutbox(db, notificationDeliveryJob, {
      organizationId: event.organizationId,
      jobId: `delivery-${inserted.id}`,
      payload: { organizationId: event.organizationId, deliveryId: inserted.id },
    });
    created.push(inserted.id);
  }
  return created;
}

/** Matches the event against the organisation's rules and records its deliveries. */
export function fanOut(pool: pg.Pool, event: NotificationEvent): Promise<string[]> {
  return inTransaction(pool, async (tx) => recordDeliveries(tx, event, await matchingRules(tx, event)));
}
