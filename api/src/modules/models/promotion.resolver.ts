// Promotion to champion is a human decision: a data scientist requests it with the candidate's
// evidence, an approver (model:promote, never the requester) decides, and only then the champion
// alias moves, with the approval and the evidence in the audit trail. Rolling back to the previous
// champion is one mutation. Setting the champion alias directly also needs model:promote.
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { CHAMPION_ALIAS } from '@threadline/db/models/experiments';
import { decidePromotion, requestPromotion, rollbackAlias } from '@threadline/db/models/promotion';
import { tenantOf, type Context } from '../../context.ts';
import { requireUuid } from '../../common/errors.ts';
import { Approval } from '../waves/waves.types.ts';
import { ModelAlias } from './registry.types.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { personOf } from '../../auth/principal.ts';

@InputType()
export class PromotionRequestInput {
  @Field(() => ID) @IsUUID() versionId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

@InputType()
export class PromotionDecisionInput {
  @Field(() => ID) @IsUUID() approvalId!: string;
  @Field(() => Boolean) approve!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

@InputType()
export class AliasRollbackInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => String, { defaultValue: CHAMPION_ALIAS }) @Matches(/^[a-z][a-z0-9_-]{0,39}$/) alias!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

@Resolver()
export class PromotionResolver {
  @Authorized('model:write')
  @Mutation(() => Approval, {
    description: "Asks an approver to make this version the champion; the approval carries the candidate's and the champion's metrics.",
  })
  async requestModelPromotion(@Arg('input', () => PromotionRequestInput) input: PromotionRequestInput, @Ctx() ctx: Context): Promise<Approval> {
    const requestedById = personOf(tenantOf(ctx).principal, 'Asking for a promotion');
    return domainCommand(ctx, (db, actor, organizationId) =>
      requestPromotion(db, { organizationId, versionId: input.versionId, requestedById, comment: input.comment ?? null }, actor),
    );
  }

  @Authorized('model:promote')
  @Mutation(() => Approval, {
    description:
      'Decides a promotion request; approving it moves the champion alias (and the deployments following it). The requester cannot decide their own request.',
  })
  async decideModelPromotion(@Arg('input', () => PromotionDecisionInput) input: PromotionDecisionInput, @Ctx() ctx: Context): Promise<Approval> {
    const { principal } = tenantOf(ctx);
    return domainCommand(ctx, (db, actor, organizationId) =>
      decidePromotion(
        db,
        {
          organizationId,
          approvalId: input.approvalId,
          deciderId: principal.kind === 'USER' ? principal.id : null,
          approve: input.approve,
          comment: input.comment ?? null,
        },
        actor,
      ),
    );
  }

  @Authorized('model:promote')
  @Mutation(() => ModelAlias, { description: 'Moves an alias (the champion unless named) back to the version it named before its last move.' })
  async rollbackModelAlias(@Arg('input', () => AliasRollbackInput) input: AliasRollbackInput, @Ctx() ctx: Context): Promise<ModelAlias> {
    const modelId = requireUuid(input.modelId, 'modelId');
    await domainCommand(ctx, (db, actor, organizationId) =>
      rollbackAlias(db, { organizationId, modelId, alias: input.alias, comment: input.comment ?? null }, actor),
    );
    return (await tenantOf(ctx).tenant.modelAlias.findFirst({ where: { modelId, alias: input.alias } }))!;
  }
}
