// Federated training through the API: a data scientist starts a run of a model whose policy keeps
// raw data on site; the sites' edge agents take part over REST (federated.route.ts).
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { federatedRun, federatedRunsOfModel, startFederatedRun, type FederatedRun } from '@threadline/db/federation/federated-runs';
import { tenantOf, type Context } from '../../context.ts';
import { notFound, requireUuid } from '../../common/errors.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { FederatedRunType, StartFederatedTrainingInput } from './federation.types.ts';

const toType = (run: FederatedRun): FederatedRunType => ({
  id: run.id,
  trainingRunId: run.trainingRunId,
  modelId: run.modelId,
  sites: run.siteCodes,
  phase: run.phase,
  round: run.round,
  plannedRounds: run.plannedRounds,
  epsilon: run.epsilon,
  epsilonBudget: run.privacy.epsilon,
  delta: run.privacy.delta,
  spec: run.spec,
  result: run.result,
});

@Resolver()
export class FederationResolver {
  @Authorized('model:write')
  @Mutation(() => FederatedRunType, {
    description:
      'Starts federated training of a model whose policy names sites that keep their raw data (policy.federated). CONFLICT when the policy names none or a run is going; BAD_USER_INPUT when the spec is malformed or the privacy budget allows no round.',
  })
  async startFederatedTraining(
    @Arg('input', () => StartFederatedTrainingInput) input: StartFederatedTrainingInput,
    @Ctx() ctx: Context,
  ): Promise<FederatedRunType> {
    const modelId = requireUuid(input.modelId, 'modelId');
    return toType(
      await domainCommand(ctx, (db, actor, organizationId) =>
        startFederatedRun(db, { organizationId, modelId, spec: input.spec }, actor, ctx.services.clock.now()),
      ),
    );
  }

  @Authorized('read')
  @Query(() => [FederatedRunType], { description: "A model's federated runs, newest first." })
  async federatedRuns(@Arg('modelId', () => ID) modelId: string, @Ctx() ctx: Context): Promise<FederatedRunType[]> {
    const { principal, tenant } = tenantOf(ctx);
    return (await federatedRunsOfModel(tenant, principal.organizationId, requireUuid(modelId, 'modelId'))).map(toType);
  }

  @Authorized('read')
  @Query(() => FederatedRunType, { description: 'A federated run by its id or its training run’s id; NOT_FOUND when the organisation has none.' })
  async federatedRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FederatedRunType> {
    const { principal, tenant } = tenantOf(ctx);
    const run = await federatedRun(tenant, principal.organizationId, requireUuid(id, 'id'));
    if (!run) throw notFound('FederatedRun', id);
    return toType(run);
  }
}
