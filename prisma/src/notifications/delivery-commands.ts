// What an administrator does with deliveries: send a FAILED one again, and send a test through a
// channel. Both audited.
import { row, type RawSql } from '../sql.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { Refusal } from '../refusal.ts';
import type { NotificationChannelKind } from '../generated/prisma/enums.ts';
import { requeueDelivery } from './deliveries.ts';
import { testEvent } from './channels.ts';
import { recordDeliveries } from './fan-out.ts';

export async function retryDelivery(db: RawSql, organizationId: string, deliveryId: string, actor: AuditActor, clock: Clock): Promise<void> {
  if (!(await requeueDelivery(db, organizationId, deliveryId))) {
    throw new Refusal('Only a FAILED delivery of your organisation can be sent again.', 'id', 'CONFLICT');
  }
  await appendAuditEvent(
    db,
    {
      organizationId,
      type: 'notification_delivery.updated',
      actor,
      subjectType: 'notification_delivery',
      subjectId: deliveryId,
      payload: { status: ['FAILED', 'PENDING'] },
    },
    clock,
  );
}

/** Records a test delivery through the channel; its id. */
export async function sendTestNotification(db: RawSql, organizationId: string, channelId: string, actor: AuditActor, clock: Clock): Promise<string> {
  const channel = await row<{ id: string; name: string; kind: NotificationChannelKind }>(
    db,
    'SELECT id, name, kind::text AS kind FROM notification_channels WHERE organization_id = $1::uuid AND id = $2::uuid',
    organizationId,
    channelId,
  );
  if (!channel) throw new Refusal(`No notification channel ${channelId} in your organisation.`, 'channelId', 'NOT_FOUND');
  const event = testEvent(organizationId, channel, actor.label, clock.now());
  const [deliveryId] = await recordDeliveries(db, event, [
    { ruleId: null, ruleName: 'test', channelId: channel.id, channelName: channel.name, channelKind: channel.kind },
  ]);
  await appendAuditEvent(
    db,
    {
      organizationId,
      type: 'notification_delivery.created',
      actor,
      subjectType: 'notification_delivery',
      subjectId: deliveryId!,
      payload: { channelId, test: true },
    },
    clock,
  );
  return deliveryId!;
}
