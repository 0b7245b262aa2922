// Over-the-air rollouts of a model version to the model's edge deployments (canary first,
// rolled back by itself on a failure; prisma/src/models/edge-rollouts.ts): started by a person
// with model:write, read by anyone who reads, shown on the models page.
import { Arg, Authorized, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { EdgeRolloutStatus, EdgeRolloutStep } from '@threadline/db/client';
import { startEdgeRollout } from '@threadline/db/models/edge-rollouts';
import { personOf } from '../../auth/principal.ts';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { requireUuid } from '../../common/errors.ts';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(EdgeRolloutStatus, { name: 'EdgeRolloutStatus' });
registerEnumType(EdgeRolloutStep, {
  name: 'EdgeRolloutStep',
  description: 'WAITING (second wave), OFFERED, UPDATED, FAILED (refused or failed its smoke test), ROLLING_BACK, ROLLED_BACK.',
});

@ObjectType()
export class EdgeRolloutTarget {
  @Field(() => ID) deploymentId!: string;
  @Field(() => String, { description: 'The edge target the deployment runs on.' }) targetName!: string;
  @Field(() => Int, { description: '0: the canary wave; 1: the rest.' }) wave!: number;
  @Field(() => ID) previousVersionId!: string;
  @Field(() => EdgeRolloutStep) step!: EdgeRolloutStep;
  @Field(() => Json, { nullable: true, description: "The agent's report: ok, reason, and its smoke test's figures." }) report!: unknown;
  @Field(() => DateTime, { nullable: true }) reportedAt!: Date | null;
}

@ObjectType({ description: 'A model version rolled out over the air to the edge, a canary share first.' })
export class EdgeRollout {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => ID) versionId!: string;
  @Field(() => Int) version!: number;
  @Field(() => Float) canaryShare!: number;
  @Field(() => EdgeRolloutStatus) status!: EdgeRolloutStatus;
  @Field(() => String, { nullable: true, description: 'Why it rolled back.' }) reason!: string | null;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime, { nullable: true }) endedAt!: Date | null;
  @Field(() => [EdgeRolloutTarget]) targets!: EdgeRolloutTarget[];
}

@InputType()
export class StartEdgeRolloutInput {
  @Field(() => ID) versionId!: string;
  @Field(() => Float, { defaultValue: 0.25, description: 'The share of targets updated first; the rest follow once every canary passed.' })
  @Min(0.01)
  @Max(1)
  canaryShare!: number;
}

@Resolver()
export class EdgeRolloutResolver {
  @Authorized('model:write')
  @Mutation(() => EdgeRollout, {
    description:
      'Rolls a version out to every edge deployment of its model that runs another: a canary share first; each agent verifies the signed update, smoke-tests it on windows it holds and reports; one failure rolls every updated target back. CONFLICT while another rollout of the model runs or when no edge deployment needs it.',
  })
  async startEdgeRollout(@Arg('input', () => StartEdgeRolloutInput) input: StartEdgeRolloutInput, @Ctx() ctx: Context): Promise<EdgeRollout> {
    const versionId = requireUuid(input.versionId, 'versionId');
    const userId = personOf(tenantOf(ctx).principal, 'Starting a rollout');
    const { id } = await domainCommand(ctx, (db, actor, organizationId) =>
      startEdgeRollout(db, organizationId, { versionId, canaryShare: input.canaryShare }, userId, actor),
    );
    return (await rolloutsOf(ctx, { id }))[0]!;
  }

  @Authorized('read')
  @Query(() => [EdgeRollout], { description: "A model's edge rollouts, the latest first (every model's without modelId), at most 20." })
  edgeRollouts(@Arg('modelId', () => ID, { nullable: true }) modelId: string | null, @Ctx() ctx: Context): Promise<EdgeRollout[]> {
    return rolloutsOf(ctx, modelId ? { modelId: requireUuid(modelId, 'modelId') } : {});
  }
}

async function rolloutsOf(ctx: Context, where: { id?: string; modelId?: string }): Promise<EdgeRollout[]> {
  const found = await tenantOf(ctx).tenant.edgeRollout.findMany({
    where,
    orderBy: { startedAt: 'desc' },
    take: 20,
    include: {
      version: { select: { version: true } },
      targets: { include: { deployment: { select: { edgeTarget: { select: { name: true } } } } }, orderBy: [{ wave: 'asc' }, { deploymentId: 'asc' }] },
    },
  });
  return found.map(({ version, targets, ...rollout }) => ({
    ...rollout,
    version: version.version,
    targets: targets.map(({ deployment, ...t }) => ({ ...t, targetName: deployment.edgeTarget.name })),
  }));
}
