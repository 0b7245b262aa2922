// The notification jobs' handlers and give-up handler, over one set of channel senders.
import type pg from 'pg';
import type { Job } from 'bullmq';
import type { KeyObject } from 'node:crypto';
import type { Clock } from '@threadline/db/clock';
import { auditVerificationJob, notificationDeliveryJob, notificationEscalationJob, notificationFanoutJob } from '@threadline/db/jobs';
import type { NotificationConfig } from '@threadline/db/notifications/notification-config';
import { ChannelSenders } from './notifications/channel-senders.ts';
import { giveUpDelivery, runAuditVerification, runNotificationDelivery, runNotificationEscalation, runNotificationFanout } from './processors/notifications.ts';
import type { GiveUpHandler, Handler } from './worker-host.ts';

export interface NotificationWorkersDeps {
  pool: pg.Pool;
  config: NotificationConfig;
  auditKeys: ReadonlyMap<string, KeyObject>;
  clock: Clock;
}

export function notificationHandlers(deps: NotificationWorkersDeps): {
  handlers: Record<string, Handler>;
  onGiveUp: Record<string, GiveUpHandler>;
  close(): void;
} {
  const senders = new ChannelSenders(deps.config, () => Math.floor(deps.clock.nowMs() / 1000));
  const jobDeps = { pool: deps.pool, senders, clock: deps.clock };
  return {
    handlers: {
      [notificationFanoutJob.name]: (payload: { organizationId: string; auditEventId: string }) => runNotificationFanout(jobDeps, payload),
      [notificationDeliveryJob.name]: (payload: { organizationId: string; deliveryId: string }, job: Job) => runNotificationDelivery(jobDeps, payload, job),
      [notificationEscalationJob.name]: () => runNotificationEscalation(jobDeps),
      [auditVerificationJob.name]: () => runAuditVerification(deps.pool, deps.auditKeys, deps.clock),
    },
    onGiveUp: {
      [notificationDeliveryJob.name]: (payload: { deliveryId: string }, reason: string) => giveUpDelivery(deps.pool, payload, reason),
    },
    close: () => senders.close(),
  };
}
