// The delivery log's writes: what a delivery job sends (the delivery with its channel's target and
// secret) and each attempt's outcome. A delivery is DELIVERED once its channel took it, RETRYING
// while attempts remain, FAILED when none remain or its destination is refused.
import { row, type RawSql } from '../sql.ts';
import { addToOutbox } from '../outbox.ts';
import { notificationDeliveryJob } from '../jobs.ts';
import type { NotificationChannelKind } from '../generated/prisma/enums.ts';
import type { NotificationEvent } from './catalogue.ts';

export interface DeliveryToSend {
  id: string;
  organizationId: string;
  status: string;
  channelKind: NotificationChannelKind;
  target: string | null;
  secret: string | null;
  event: NotificationEvent;
}

/** The delivery and its channel (target null when the channel was deleted since). */
export function deliveryToSend(db: RawSql, organizationId: string, deliveryId: string): Promise<DeliveryToSend | undefined> {
  return row<DeliveryToSend>(
    db,
    `SELECT d.id, d.organization_id AS "organizationId", d.status::text AS status, d.channel_kind::text AS "channelKind",
            c.target, c.secret, d.event
       FROM notification_deliveries d LEFT JOIN notification_channels c ON c.id = d.channel_id
      WHERE d.organization_id = $1::uuid AND d.id = $2::uuid`,
    organizationId,
    deliveryId,
  );
}

export type AttemptOutcome = { ok: true; responseStatus: number | null } | { ok: false; responseStatus: number | null; error: string; final: boolean };

export async function recordAttempt(db: RawSql, deliveryId: string, outcome: AttemptOutcome, now: Date): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE notification_deliveries
        SET attempts = attempts + 1, last_attempt_at = $2, response_status = $3,
            status = $4::notification_delivery_status, last_error = $5, delivered_at = CASE WHEN $4 = 'DELIVERED' THEN $2 ELSE delivered_at END
      WHERE id = $1::uuid AND status <> 'DELIVERED'`,
    deliveryId,
    now,
    outcome.responseStatus,
    outcome.ok ? 'DELIVERED' : outcome.final ? 'FAILED' : 'RETRYING',
    outcome.ok ? null : outcome.error.slice(0, 1000),
  );
}

/** Marks a delivery FAILED once its job gave up (a give-up without a last attempt recorded, such as repeated worker deaths). */
export async function markDeliveryFailed(db: RawSql, deliveryId: string, reason: string): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE notification_deliveries SET status = 'FAILED', last_error = COALESCE(last_error, $2) WHERE id = $1::uuid AND status IN ('PENDING', 'RETRYING')`,
    deliveryId,
    reason.slice(0, 1000),
  );
}

/** Sends a FAILED delivery again: back to PENDING with a fresh job; false when it is not FAILED. */
export async function requeueDelivery(db: RawSql, organizationId: string, deliveryId: string): Promise<boolean> {
  const requeued = await row<{ attempts: number }>(
    db,
    `UPDATE notification_deliveries SET status = 'PENDING', last_error = NULL WHERE organization_id = $1::uuid AND id = $2::uuid AND status = 'FAILED' RETURNING attempts`,
    organizationId,
    deliveryId,
  );
  if (!requeued) return false;
  await addToOutbox(db, notificationDeliveryJob, {
    organizationId,
    jobId: `delivery-${deliveryId}-after-${requeued.attempts}`,
    payload: { organizationId, deliveryId },
  });
  return true;
}
