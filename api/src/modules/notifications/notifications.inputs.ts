// Inputs of the notification centre.
import { Field, Float, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsOptional, IsUUID, Length, Max, Min } from 'class-validator';
import { NotificationChannelKind, NotificationDeliveryStatus, Severity } from '@threadline/db/client';
import { RULE_EVENT_KINDS } from '@threadline/db/notifications/catalogue';
import { partialOf } from '../../common/inputs.ts';

@InputType()
export class NotificationChannelInput {
  @Field(() => String) @Length(1, 80) name!: string;
  @Field(() => NotificationChannelKind) kind!: NotificationChannelKind;
  @Field(() => String, { description: 'An http(s) URL that is neither private nor loopback (unless the operator allows its network), or e-mail addresses.' })
  @Length(3, 2000)
  target!: string;
}
export const NotificationChannelUpdate = partialOf(NotificationChannelInput, 'NotificationChannelUpdate');

@InputType()
export class NotificationChannelFilter {
  @Field(() => NotificationChannelKind, { nullable: true }) @IsOptional() kind?: NotificationChannelKind;
}

@InputType()
export class NotificationRuleInput {
  @Field(() => String) @Length(1, 80) name!: string;
  @Field(() => [String], { description: `Any of ${RULE_EVENT_KINDS.join(', ')}.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(RULE_EVENT_KINDS.length)
  @IsIn([...RULE_EVENT_KINDS], { each: true, message: `each event kind is one of ${RULE_EVENT_KINDS.join(', ')}` })
  eventKinds!: string[];
  @Field(() => Severity, { nullable: true, defaultValue: 'INFO' }) @IsOptional() minSeverity?: Severity;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetTypeId?: string;
  @Field(() => ID) @IsUUID() channelId!: string;
  @Field(() => Float, { nullable: true, description: 'With escalationChannelId: minutes an insight may stay unacknowledged before it goes there.' })
  @IsOptional()
  @Min(0.05)
  @Max(7 * 24 * 60)
  escalateAfterMinutes?: number;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() escalationChannelId?: string;
  @Field(() => Boolean, { nullable: true, defaultValue: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}
export const NotificationRuleUpdate = partialOf(NotificationRuleInput, 'NotificationRuleUpdate');

@InputType()
export class NotificationRuleFilter {
  @Field(() => Boolean, { nullable: true }) @IsOptional() enabled?: boolean;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() channelId?: string;
}

@InputType()
export class NotificationDeliveryFilter {
  @Field(() => NotificationDeliveryStatus, { nullable: true }) @IsOptional() status?: NotificationDeliveryStatus;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 60) eventKind?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() channelId?: string;
}
