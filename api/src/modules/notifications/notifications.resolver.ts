// The notification centre: administrators manage channels and rules (audited like every entity),
// send a test through a channel and send a FAILED delivery again; anyone who reads sees the
// delivery log (the operations page).
import type { ClassType } from 'type-graphql';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { channelTargetProblem } from '@threadline/db/notifications/channels';
import { newWebhookSecret } from '@threadline/db/notifications/signature';
import { retryDelivery, sendTestNotification } from '@threadline/db/notifications/delivery-commands';
import type { NotificationChannelKind } from '@threadline/db/client';
import { tenantOf, type Context } from '../../context.ts';
import type { Row, TenantClient } from '../../common/entity-repository.ts';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput, requireUuid } from '../../common/errors.ts';
import { whereOf } from '../../common/filters.ts';
import { NotificationChannel, NotificationDelivery, NotificationRule } from './notifications.types.ts';
import * as I from './notifications.inputs.ts';

type ChannelFields = Partial<I.NotificationChannelInput>;

/** Checks the target for its kind (and, for URLs, where it resolves); a webhook gets its signing secret. */
async function prepareChannel(input: ChannelFields, _tx: TenantClient, ctx: Context, existing?: Row): Promise<Record<string, unknown>> {
  const kind = (input.kind ?? existing?.kind) as NotificationChannelKind;
  const target = String(input.target ?? existing?.target);
  if (input.kind !== undefined || input.target !== undefined) {
    const problem = await channelTargetProblem(kind, target, ctx.services.config.notifications.allowedNetworks);
    if (problem) throw badInput(`target: ${problem}.`, { field: 'target' });
  }
  const secret = kind === 'WEBHOOK' ? ((existing?.secret as string | null | undefined) ?? newWebhookSecret()) : null;
  return { ...input, secret };
}

/** Escalation is for insights: it needs insight.raised among the kinds, and both its time and its channel. */
async function prepareRule(input: Partial<I.NotificationRuleInput>, _tx: TenantClient, _ctx: Context, existing?: Row): Promise<Record<string, unknown>> {
  const kinds = input.eventKinds ?? (existing?.eventKinds as string[] | undefined) ?? [];
  const escalates = (input.escalateAfterMinutes ?? existing?.escalateAfterMinutes ?? null) !== null;
  if (escalates && !kinds.includes('insight.raised')) {
    throw badInput('escalateAfterMinutes: escalation is for insights; add insight.raised to eventKinds.', { field: 'escalateAfterMinutes' });
  }
  return { ...input, eventKinds: input.eventKinds ? [...new Set(input.eventKinds)] : undefined };
}

export const notificationSpecs: EntitySpec[] = [
  {
    name: 'NotificationChannel',
    model: 'NotificationChannel',
    subject: 'notification_channel',
    node: () => NotificationChannel,
    list: 'notificationChannels',
    single: 'notificationChannel',
    readPermission: 'access:admin',
    filter: I.NotificationChannelFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.NotificationChannelInput, permission: 'access:admin', prepare: (input, tx, ctx) => prepareChannel(input, tx, ctx) },
    update: { input: I.NotificationChannelUpdate, permission: 'access:admin', prepare: prepareChannel },
    delete: { permission: 'access:admin' },
  },
  {
    name: 'NotificationRule',
    model: 'NotificationRule',
    subject: 'notification_rule',
    node: () => NotificationRule,
    list: 'notificationRules',
    single: 'notificationRule',
    readPermission: 'access:admin',
    filter: I.NotificationRuleFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.NotificationRuleInput, permission: 'access:admin', prepare: (input, tx, ctx) => prepareRule(input, tx, ctx) },
    update: { input: I.NotificationRuleUpdate, permission: 'access:admin', prepare: prepareRule },
    delete: { permission: 'access:admin' },
  },
  {
    name: 'NotificationDelivery',
    model: 'NotificationDelivery',
    subject: 'notification_delivery',
    node: () => NotificationDelivery,
    list: 'notificationDeliveries',
    single: 'notificationDelivery',
    filter: I.NotificationDeliveryFilter,
    toWhere: (f) => whereOf(f),
  },
];

@Resolver()
export class NotificationCommandsResolver {
  @Authorized('access:admin')
  @Mutation(() => NotificationDelivery, { description: 'Sends a test message through the channel now; the delivery shows in the log.' })
  async sendTestNotification(@Arg('channelId', () => ID) channelId: string, @Ctx() ctx: Context): Promise<NotificationDelivery> {
    const id = await domainCommand(ctx, (db, actor, organizationId) =>
      sendTestNotification(db, organizationId, requireUuid(channelId, 'channelId'), actor, ctx.services.clock),
    );
    return tenantOf(ctx).tenant.notificationDelivery.findFirstOrThrow({ where: { id } }) as Promise<NotificationDelivery>;
  }

  @Authorized('access:admin')
  @Mutation(() => NotificationDelivery, { description: 'Sends a FAILED delivery again, with a fresh set of attempts (CONFLICT unless it FAILED).' })
  async retryNotificationDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<NotificationDelivery> {
    const deliveryId = requireUuid(id);
    await domainCommand(ctx, (db, actor, organizationId) => retryDelivery(db, organizationId, deliveryId, actor, ctx.services.clock));
    return tenantOf(ctx).tenant.notificationDelivery.findFirstOrThrow({ where: { id: deliveryId } }) as Promise<NotificationDelivery>;
  }
}

export const notificationResolvers: ClassType[] = [...notificationSpecs.flatMap(entityResolvers), NotificationCommandsResolver];
