// The notification jobs: the fan-out of an audited event to its deliveries, the sending of one
// delivery (each attempt in the delivery log; BullMQ retries with backoff), the escalation sweep and
// the audit chain watch.
import type pg from 'pg';
import { UnrecoverableError, type Job } from 'bullmq';
import type { KeyObject } from 'node:crypto';
import type { Clock } from '@threadline/db/clock';
import { rawSqlOf } from '@threadline/db/sql';
import { notificationOfAuditEvent } from '@threadline/db/notifications/audit-events';
import { fanOut } from '@threadline/db/notifications/fan-out';
import { deliveryToSend, markDeliveryFailed, recordAttempt } from '@threadline/db/notifications/deliveries';
import { escalateUnacknowledged } from '@threadline/db/notifications/escalation';
import { DestinationRefused } from '@threadline/db/notifications/network-guard';
import { watchAuditChains } from '@threadline/db/audit/chain-watch';
import type { ChannelSenders } from '../notifications/channel-senders.ts';
import { DeliveryRefused } from '../notifications/http-post.ts';

export interface NotificationDeps {
  pool: pg.Pool;
  senders: ChannelSenders;
  clock: Clock;
}

export async function runNotificationFanout(
  deps: NotificationDeps,
  payload: { organizationId: string; auditEventId: string },
): Promise<{ deliveries: number }> {
  const event = await notificationOfAuditEvent(rawSqlOf(deps.pool), payload.organizationId, payload.auditEventId);
  return { deliveries: event ? (await fanOut(deps.pool, event)).length : 0 };
}

export async function runNotificationDelivery(deps: NotificationDeps, payload: { organizationId: string; deliveryId: string }, job: Job): Promise<string> {
  const db = rawSqlOf(deps.pool);
  const delivery = await deliveryToSend(db, payload.organizationId, payload.deliveryId);
  if (!delivery || delivery.status === 'DELIVERED') return 'nothing to send';
  const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (!delivery.target) {
    await recordAttempt(db, delivery.id, { ok: false, responseStatus: null, error: 'the channel was deleted', final: true }, deps.clock.now());
    return 'channel deleted';
  }
  try {
    const { responseStatus } = await deps.senders.send({ ...delivery, target: delivery.target });
    await recordAttempt(db, delivery.id, { ok: true, responseStatus }, deps.clock.now());
    return 'delivered';
  } catch (error) {
    const refused = error instanceof DestinationRefused;
    const message = error instanceof Error ? error.message : String(error);
    const responseStatus = error instanceof DeliveryRefused ? error.responseStatus : null;
    await recordAttempt(db, delivery.id, { ok: false, responseStatus, error: message, final: final || refused }, deps.clock.now());
    // A refused destination stays refused: no retry.
    throw refused ? new UnrecoverableError(message) : error;
  }
}

export function giveUpDelivery(pool: pg.Pool, payload: { deliveryId: string }, reason: string): Promise<void> {
  return markDeliveryFailed(rawSqlOf(pool), payload.deliveryId, reason);
}

export async function runNotificationEscalation(deps: NotificationDeps): Promise<{ escalated: number }> {
  return { escalated: await escalateUnacknowledged(deps.pool, deps.clock) };
}

export async function runAuditVerification(pool: pg.Pool, trustedKeys: ReadonlyMap<string, KeyObject>, clock: Clock): Promise<{ broken: string[] }> {
  const watched = await watchAuditChains(pool, trustedKeys, clock);
  return { broken: watched.filter((w) => !w.ok).map((w) => w.organizationId) };
}
