// The notification centre's GraphQL types: channels, rules and the delivery log.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NotificationChannelKind, NotificationDeliveryStatus, Severity } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(NotificationChannelKind, {
  name: 'NotificationChannelKind',
  description: 'WEBHOOK (signed JSON), EMAIL (through SMTP_URL), SLACK or TEAMS (their incoming-webhook URLs).',
});
registerEnumType(NotificationDeliveryStatus, {
  name: 'NotificationDeliveryStatus',
  description: 'PENDING (queued), RETRYING (an attempt failed; more follow with backoff), DELIVERED, FAILED (no attempt left, or the destination refused).',
});

@ObjectType({ description: 'Where notifications go.' })
export class NotificationChannel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => NotificationChannelKind) kind!: NotificationChannelKind;
  @Field(() => String, { description: 'The URL (WEBHOOK, SLACK, TEAMS) or the comma-separated e-mail addresses.' }) target!: string;
  @Field(() => String, {
    nullable: true,
    description: 'WEBHOOK: the secret each delivery is signed with (header Threadline-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">).',
  })
  secret!: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'Which events go to which channel.' })
export class NotificationRule {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [String], { description: 'The kinds of events it sends.' }) eventKinds!: string[];
  @Field(() => Severity, { description: 'Events at least this severe.' }) minSeverity!: Severity;
  @Field(() => ID, { nullable: true, description: 'Only events of this use case.' }) useCaseId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Only events of this asset.' }) assetId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Only events of assets (or models) of this type.' }) assetTypeId!: string | null;
  @Field(() => ID) channelId!: string;
  @Field(() => Float, { nullable: true, description: 'An insight it sent still unacknowledged after this many minutes goes to the escalation channel.' })
  escalateAfterMinutes!: number | null;
  @Field(() => ID, { nullable: true }) escalationChannelId!: string | null;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'One event sent to one channel, with its attempts.' })
export class NotificationDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: 'The rule that sent it (null for a test).' }) ruleId!: string | null;
  @Field(() => String) ruleName!: string;
  @Field(() => ID) channelId!: string;
  @Field(() => String) channelName!: string;
  @Field(() => NotificationChannelKind) channelKind!: NotificationChannelKind;
  @Field(() => String) eventKind!: string;
  @Field(() => String) subjectType!: string;
  @Field(() => String, { nullable: true }) subjectId!: string | null;
  @Field(() => Severity) severity!: Severity;
  @Field(() => String) title!: string;
  @Field(() => Json, { description: 'The event as sent (kind, summary, scope, link, facts).' }) event!: unknown;
  @Field(() => NotificationDeliveryStatus) status!: NotificationDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true, description: "The receiver's last HTTP status." }) responseStatus!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) deliveredAt!: Date | null;
}
