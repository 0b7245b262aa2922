// OPC UA Alarms & Conditions through GraphQL: the conditions plant servers report, with their
// state, and an operator's acknowledgement with a comment, audited and carried to the server.
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { IsOptional, IsUUID, Length } from 'class-validator';
import { listAlarmConditions, requestAlarmAcknowledgement, severityOf } from '@threadline/db/telemetry/alarm-conditions';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { notFound, requireUuid } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';

@ObjectType({ description: 'An OPC UA condition (AlarmConditionType or a subtype) as its server last reported it.' })
export class AlarmCondition {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetId!: string;
  @Field(() => ID, { nullable: true, description: 'The signal whose node is the condition source.' }) signalId!: string | null;
  @Field(() => String) endpointUrl!: string;
  @Field(() => String, { description: "The condition's node id on the server." }) conditionId!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'OPC UA severity, 1 to 1000.' }) severity!: number;
  @Field(() => String, { description: 'INFO, WARNING (400 or more) or CRITICAL (700 or more, opens an incident).' }) level!: string;
  @Field(() => String) message!: string;
  @Field(() => Boolean) active!: boolean;
  @Field(() => Boolean) acked!: boolean;
  @Field(() => Boolean, { nullable: true, description: 'Null when the condition has no ConfirmedState.' }) confirmed!: boolean | null;
  @Field(() => String, { description: 'The last comment on the server (an acknowledgement’s).' }) comment!: string;
  @Field(() => DateTime) lastEventAt!: Date;
  @Field(() => ID, { nullable: true, description: 'The incident the condition opened while it is active.' }) incidentId!: string | null;
  @Field(() => DateTime, { nullable: true, description: 'When an operator asked for it to be acknowledged, until the server reports it acknowledged.' })
  acknowledgementRequestedAt!: Date | null;
  @Field(() => String, { nullable: true }) acknowledgementRequestedBy!: string | null;
}

@InputType()
export class AlarmConditionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => Boolean, { defaultValue: true, description: 'Only conditions active or not yet acknowledged.' }) open!: boolean;
}

@InputType()
export class AcknowledgeAlarmInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: 'What was seen or done; sent to the server as the Acknowledge comment.' }) @Length(1, 500) comment!: string;
}

const withLevel = <T extends { severity: number }>(row: T) => ({ ...row, level: severityOf(row.severity) });

@Resolver()
export class AlarmsResolver {
  @Authorized('read')
  @Query(() => [AlarmCondition], { description: 'Conditions reported by the plant servers, newest change first (at most 200).' })
  async alarmConditions(
    @Arg('filter', () => AlarmConditionFilter, { nullable: true }) filter: AlarmConditionFilter | null,
    @Ctx() ctx: Context,
  ): Promise<AlarmCondition[]> {
    const { tenant, principal } = tenantOf(ctx);
    return (await listAlarmConditions(tenant, principal.organizationId, { assetId: filter?.assetId ?? null, open: filter?.open ?? true })).map(withLevel);
  }

  @Authorized('operations:write')
  @Mutation(() => AlarmCondition, {
    description:
      "Acknowledges a condition on its OPC UA server with the comment: audited as alarm_condition.acknowledgement_requested, then sent by a worker to the condition's Acknowledge method; acked turns true when the server reports it. CONFLICT when already acknowledged.",
  })
  async acknowledgeAlarm(@Arg('input', () => AcknowledgeAlarmInput) input: AcknowledgeAlarmInput, @Ctx() ctx: Context): Promise<AlarmCondition> {
    const id = requireUuid(input.id);
    const [row] = await domainCommand(ctx, async (db, actor, organizationId) => {
      await requestAlarmAcknowledgement(db, organizationId, actor, id, input.comment);
      return listAlarmConditions(db, organizationId, { id });
    });
    if (!row) throw notFound('AlarmCondition', id);
    return withLevel(row);
  }
}
