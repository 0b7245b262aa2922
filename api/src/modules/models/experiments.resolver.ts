// Champion/challenger experiments in GraphQL: a data scientist (model:write) starts an A/B test or a
// shadow on a live champion deployment and may end it without promoting; the workers evaluate it
// (docs/models.md); promotion stays an approver's decision (promotion.resolver.ts) unless the
// model's policy allows automatic promotion. The challenger's current assets are queryable.
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { IsIn, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ExperimentDecision, ExperimentKind } from '@threadline/db/client';
import { endExperiment, EXPERIMENT_METRICS, startExperiment, type ExperimentMetric } from '@threadline/db/models/experiments';
import { tenantOf, type Context } from '../../context.ts';
import { badInput, conflict, notFound, requireUuid } from '../../common/errors.ts';
import { Asset } from '../plant/plant.types.ts';
import { Experiment } from './models.types.ts';
import { assetsScoredBy } from './deployment-assets.ts';
import { domainCommand } from '../../common/domain-command.ts';

@InputType()
export class StartExperimentInput {
  @Field(() => ID, { description: 'A live champion deployment on a cloud target.' }) @IsUUID() championDeploymentId!: string;
  @Field(() => ID) @IsUUID() challengerVersionId!: string;
  @Field(() => ExperimentKind, { defaultValue: ExperimentKind.AB_TEST }) @IsIn(Object.values(ExperimentKind)) kind!: ExperimentKind;
  @Field(() => Float, {
    defaultValue: 0.1,
    description: "A/B tests: the share of the deployment's assets the challenger scores and acts on (rounded to whole assets).",
  })
  @Min(0)
  @Max(1)
  trafficShare!: number;
  @Field(() => String, { defaultValue: 'brier', description: `The stated metric: ${EXPERIMENT_METRICS.join(' or ')} (lower is better).` })
  @IsIn([...EXPERIMENT_METRICS])
  metric!: string;
}

@InputType()
export class EndExperimentInput {
  @Field(() => ID) @IsUUID() experimentId!: string;
  @Field(() => ExperimentDecision, {
    nullable: true,
    description: 'KEEP_CHAMPION or INCONCLUSIVE to conclude it; leave out to abort it. Promotion goes through requestModelPromotion.',
  })
  @IsOptional()
  decision?: ExperimentDecision;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

@Resolver(() => Experiment)
export class ExperimentResolver {
  @Authorized('model:write')
  @Mutation(() => Experiment, {
    description:
      'Starts an A/B test (the challenger scores and acts on its share of assets, the champion on the rest) or a shadow (scores every asset, acts on none) on a live champion deployment.',
  })
  async startExperiment(@Arg('input', () => StartExperimentInput) input: StartExperimentInput, @Ctx() ctx: Context): Promise<Experiment> {
    if (input.kind === ExperimentKind.AB_TEST && (input.trafficShare <= 0 || input.trafficShare >= 1))
      throw badInput('An A/B test gives the challenger a share between 0 and 1.', { field: 'trafficShare' });
    const { tenant } = tenantOf(ctx);
    const started = await domainCommand(ctx, (db, actor, organizationId) =>
      startExperiment(
        db,
        {
          organizationId,
          championDeploymentId: input.championDeploymentId,
          challengerVersionId: input.challengerVersionId,
          kind: input.kind,
          trafficShare: input.trafficShare,
          metric: input.metric as ExperimentMetric,
        },
        actor,
      ),
    );
    return (await tenant.experiment.findFirst({ where: { id: started.id } }))!;
  }

  @Authorized('model:write')
  @Mutation(() => Experiment, {
    description: 'Ends a running experiment without promoting: its challenger deployment retires and the champion scores every asset again.',
  })
  async endExperiment(@Arg('input', () => EndExperimentInput) input: EndExperimentInput, @Ctx() ctx: Context): Promise<Experiment> {
    if (input.decision === ExperimentDecision.PROMOTE_CHALLENGER)
      throw badInput("Promoting the challenger is an approver's decision: use requestModelPromotion.", { field: 'decision' });
    const { tenant } = tenantOf(ctx);
    const experiment = await tenant.experiment.findFirst({ where: { id: requireUuid(input.experimentId, 'experimentId') } });
    if (!experiment) throw notFound('Experiment', input.experimentId);
    if (experiment.status !== 'RUNNING') throw conflict(`The experiment already ended (${experiment.status.toLowerCase()}).`);
    await domainCommand(ctx, (db, actor, organizationId) =>
      endExperiment(
        db,
        organizationId,
        experiment.id,
        {
          status: input.decision ? 'CONCLUDED' : 'ABORTED',
          decision: input.decision ?? null,
          reason: input.comment ?? (input.decision ? 'concluded by a person' : 'aborted by a person'),
        },
        actor,
      ),
    );
    return (await tenant.experiment.findFirst({ where: { id: experiment.id } }))!;
  }

  @FieldResolver(() => [Asset], { description: 'The assets the challenger scores now (its A/B share; every covered asset for a shadow; none once ended).' })
  async challengerAssets(@Root() experiment: Experiment, @Ctx() ctx: Context): Promise<Asset[]> {
    return assetsScoredBy(ctx, experiment.challengerDeploymentId);
  }
}
