// The model registry's workflows in GraphQL: request training, register a version built
// elsewhere, move aliases, deploy and retire, retire versions, issue signed edge bundles, and ask
// which version scored an asset at a moment. Each write is authorised (model:write) and audited.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assignmentsAt } from '@threadline/db/models/deployment-scope';
import { issueEdgeBundle } from '@threadline/db/models/issue-edge-bundle';
import { EDGE_AGENT_VERSION } from '@threadline/db/models/edge-bundle';
import { packageFiles } from '@threadline/db/models/edge-packaging';
import { featureNames, featureSpecSchema, storedFeatureSpec } from '@threadline/db/models/feature-spec';
import { onnxContractViolation } from '@threadline/db/models/onnx-contract';
import { expandExplanation, storedExplanation, type CompactExplanation, type ExplanationEntry } from '@threadline/db/models/explanation';
import { createDeployment, retireDeployment } from '@threadline/db/models/deployments';
import { moveAlias, registerVersion, retireVersion } from '@threadline/db/models/registry';
import { trainingParamsProblems, trainingParamsSchema } from '@threadline/db/models/training-params';
import { requestTrainingRun } from '@threadline/db/models/training-runs';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { tenantOf, type Context } from '../../context.ts';
import { badInput, conflict, forbidden, notFound, requireUuid } from '../../common/errors.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { CHAMPION_ALIAS } from '@threadline/db/models/experiments';
import { DateTime } from '../../common/scalars.ts';
import {
  Deployment,
  ExplanationEntry as ExplanationEntryType,
  Insight,
  Model,
  ModelVersion,
  Prediction,
  TrainingRun,
  VersionDecision,
} from './models.types.ts';
import { versionDecision } from '@threadline/db/models/version-decision';
import {
  DeployModelInput,
  EdgeBundleFile,
  EdgePackageFormat,
  ModelAlias,
  ModelAssignment,
  ModelSigningKey,
  RegisterModelVersionInput,
  SetModelAliasInput,
  TrainModelInput,
} from './registry.types.ts';

const MAX_TRAINING_WINDOW_MS = 366 * 86_400_000;

@Resolver()
export class RegistryResolver {
  @Authorized('read')
  @Query(() => [ModelSigningKey], { description: 'Public keys model versions and edge bundles are signed with; give one to threadline-edge.' })
  async modelSigningKeys(@Ctx() ctx: Context): Promise<ModelSigningKey[]> {
    tenantOf(ctx);
    return ctx.services.db.prisma.modelSigningKey.findMany({ orderBy: { createdAt: 'asc' } });
  }

  @Authorized('read')
  @Query(() => [ModelAssignment], {
    description: 'Which version each deployment covering the asset ran at that moment (from the append-only assignment history).',
  })
  async modelAssignmentsAt(@Arg('assetId', () => ID) assetId: string, @Arg('at', () => DateTime) at: Date, @Ctx() ctx: Context): Promise<ModelAssignment[]> {
    const { principal, tenant } = tenantOf(ctx);
    const assignments = await assignmentsAt(tenant, principal.organizationId, requireUuid(assetId, 'assetId'), at);
    return assignments.map((a) => ({ ...a, validTo: null }));
  }

  @Authorized('model:write')
  @Mutation(() => TrainingRun, {
    description:
      'Queues a training run of the model on the data window (through the transactional outbox); the workers train, sign and register the result as a new version.',
  })
  async trainModel(@Arg('input', () => TrainModelInput) input: TrainModelInput, @Ctx() ctx: Context): Promise<TrainingRun> {
    if (input.to <= input.from) throw badInput('to must be after from.', { field: 'to' });
    if (input.to.getTime() - input.from.getTime() > MAX_TRAINING_WINDOW_MS) throw badInput('The data window may span at most a year.', { field: 'from' });
    const params = trainingParamsSchema.safeParse(input.params ?? {});
    if (!params.success) throw badInput(`Invalid training parameters: ${trainingParamsProblems(params.error)}.`, { field: 'params' });
    const { tenant } = tenantOf(ctx);
    const model = await tenant.model.findFirst({ where: { id: requireUuid(input.modelId, 'modelId') } });
    if (!model) throw notFound('Model', input.modelId);
    if (!model.assetTypeId) throw badInput('The model names no asset type; set assetTypeId first, so its features can be found.', { field: 'modelId' });
    const id = await domainCommand(ctx, (db, actor, organizationId) =>
      requestTrainingRun(
        db,
        {
          organizationId,
          modelId: model.id,
          trigger: 'MANUAL',
          baseVersionId: input.baseVersionId ?? null,
          from: input.from,
          to: input.to,
          params: JSON.parse(JSON.stringify(input.params ?? {})) as Record<string, JsonValue>,
          requestKey: input.requestKey ?? null,
        },
        actor,
      ),
    );
    return (await tenant.trainingRun.findFirst({ where: { id } }))!;
  }

  @Authorized('model:write')
  @Mutation(() => ModelVersion, { description: 'Registers a version built elsewhere: checks its ONNX contract and feature spec, hashes and signs it.' })
  async registerModelVersion(@Arg('input', () => RegisterModelVersionInput) input: RegisterModelVersionInput, @Ctx() ctx: Context): Promise<ModelVersion> {
    const spec = featureSpecSchema.safeParse(input.featureSpec);
    if (!spec.success)
      throw badInput(`The feature spec is invalid: ${spec.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { field: 'featureSpec' });
    const onnx = new Uint8Array(Buffer.from(input.onnx, 'base64'));
    const violation = onnxContractViolation(onnx, featureNames(spec.data).length);
    if (violation) throw badInput(`The ONNX model does not fit: ${violation}.`, { field: 'onnx' });
    const { tenant } = tenantOf(ctx);
    const model = await tenant.model.findFirst({ where: { id: requireUuid(input.modelId, 'modelId') } });
    if (!model) throw notFound('Model', input.modelId);
    const registered = await domainCommand(ctx, (db, actor, organizationId) =>
      registerVersion(
        db,
        {
          organizationId,
          modelId: model.id,
          family: 'EXTERNAL',
          onnx,
          featureSpec: spec.data,
          threshold: input.threshold,
          metrics: input.metrics ?? {},
          referenceProfile: {},
          parentVersionId: input.parentVersionId ?? null,
          registeredById: actor.kind === 'USER' ? actor.id : null,
        },
        ctx.services.modelKeys.signing,
        actor,
      ),
    );
    return (await tenant.modelVersion.findFirst({ where: { id: registered.id } }))! as ModelVersion;
  }

  // model:write for aliases in general, model:promote for the champion: checked below.
  @Authorized('read')
  @Mutation(() => ModelAlias, {
    description:
      'Points an alias at a version; deployments following the alias move with it (recorded in their assignment history). The champion alias needs model:promote.',
  })
  async setModelAlias(@Arg('input', () => SetModelAliasInput) input: SetModelAliasInput, @Ctx() ctx: Context): Promise<ModelAlias> {
    const { tenant, principal } = tenantOf(ctx);
    const needed = input.alias === CHAMPION_ALIAS ? 'model:promote' : 'model:write';
    if (!principal.permissions.has(needed)) {
      throw forbidden(
        input.alias === CHAMPION_ALIAS
          ? 'Naming the champion needs model:promote (an approver): request a promotion with requestModelPromotion.'
          : 'Moving an alias needs model:write.',
      );
    }
    const version = await tenant.modelVersion.findFirst({
      where: { id: requireUuid(input.versionId, 'versionId'), modelId: requireUuid(input.modelId, 'modelId') },
    });
    if (!version) throw badInput('The version does not belong to the model.', { field: 'versionId' });
    if (version.retiredAt) throw badInput('The version is retired; an alias cannot point at it.', { field: 'versionId' });
    await domainCommand(ctx, (db, actor, organizationId) => moveAlias(db, organizationId, input.modelId, input.alias, version.id, actor));
    return (await tenant.modelAlias.findFirst({ where: { modelId: input.modelId, alias: input.alias } }))!;
  }

  @Authorized('model:write')
  @Mutation(() => Deployment, { description: 'Deploys a version, or the version an alias names (then following the alias), to an edge or cloud target.' })
  async deployModel(@Arg('input', () => DeployModelInput) input: DeployModelInput, @Ctx() ctx: Context): Promise<Deployment> {
    if (Boolean(input.versionId) === Boolean(input.alias))
      throw badInput('Give exactly one of versionId and alias.', { field: input.versionId ? 'alias' : 'versionId' });
    const { tenant } = tenantOf(ctx);
    const target = await tenant.edgeTarget.findFirst({ where: { id: requireUuid(input.edgeTargetId, 'edgeTargetId') } });
    if (!target) throw notFound('EdgeTarget', input.edgeTargetId);
    const { id } = await domainCommand(ctx, (db, actor, organizationId) =>
      createDeployment(
        db,
        {
          organizationId,
          modelId: requireUuid(input.modelId, 'modelId'),
          versionId: input.versionId ?? null,
          alias: input.alias ?? null,
          edgeTargetId: target.id,
          assetId: input.assetId ?? null,
          mode: input.mode,
          trafficShare: input.trafficShare,
          scoreFrom: input.scoreFrom ?? null,
        },
        actor,
      ),
    );
    return (await tenant.deployment.findFirst({ where: { id } }))!;
  }

  @Authorized('model:write')
  @Mutation(() => Deployment, { description: 'Stops a deployment; its history records that nothing runs from now on.' })
  async retireDeployment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Deployment> {
    const { tenant } = tenantOf(ctx);
    const deployment = await tenant.deployment.findFirst({ where: { id: requireUuid(id) } });
    if (!deployment) throw notFound('Deployment', id);
    if (deployment.status === 'RETIRED') throw conflict('The deployment is already retired.');
    await domainCommand(ctx, (db, actor, organizationId) => retireDeployment(db, organizationId, deployment.id, actor));
    return (await tenant.deployment.findFirst({ where: { id: deployment.id } }))!;
  }

  @Authorized('model:write')
  @Mutation(() => ModelVersion, {
    description: 'Retires a version no alias names and no live deployment runs; it stays in the registry for lineage and audit.',
  })
  async retireModelVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ModelVersion> {
    const versionId = requireUuid(id);
    return (await domainCommand(ctx, (db, actor, organizationId) => retireVersion(db, organizationId, versionId, actor))) as ModelVersion;
  }

  @Authorized('model:write')
  @Mutation(() => EdgeBundleFile, {
    description:
      'Issues a signed bundle (ONNX, manifest, feature spec, signatures) of a deployment for its edge target, packaged for an orchestrator when asked (GREENGRASS_V3, AZURE_IOT_EDGE, HELM). The stored artifact is verified first.',
  })
  async issueEdgeBundle(
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Arg('format', () => EdgePackageFormat, { defaultValue: 'BUNDLE' }) format: EdgePackageFormat,
    @Ctx() ctx: Context,
  ): Promise<EdgeBundleFile> {
    const id = requireUuid(deploymentId, 'deploymentId');
    const issued = await domainCommand(ctx, (db, actor, organizationId) =>
      issueEdgeBundle(db, ctx.services.modelKeys, organizationId, id, actor, ctx.services.clock.now()),
    );
    return { ...issued, files: packageFiles(format, issued.bundle, { image: ctx.services.config.EDGE_AGENT_IMAGE, agentVersion: EDGE_AGENT_VERSION }) };
  }
}

@Resolver(() => Model)
export class ModelAliasFields {
  @Authorized('read')
  @FieldResolver(() => [ModelAlias], { description: "The model's aliases and the versions they name." })
  aliases(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelAlias[]> {
    return tenantOf(ctx).loaders.manyBy('ModelAlias', 'modelId', 'alias', false).load(model.id) as unknown as Promise<ModelAlias[]>;
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionAliasFields {
  @Authorized('read')
  @FieldResolver(() => [String], { description: 'Aliases that name this version.' })
  async aliases(@Root() version: ModelVersion, @Ctx() ctx: Context): Promise<string[]> {
    const rows = (await tenantOf(ctx).loaders.manyBy('ModelAlias', 'modelVersionId', 'alias', false).load(version.id)) as unknown as ModelAlias[];
    return rows.map((r) => r.alias);
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionDecisionFields {
  @Authorized('read')
  @FieldResolver(() => VersionDecision, {
    nullable: true,
    description: 'How the threshold was set (trained classifiers; null for detectors and versions registered from outside).',
  })
  decision(@Root() version: ModelVersion): VersionDecision | null {
    return versionDecision(version.metrics);
  }
}

@Resolver(() => Deployment)
export class DeploymentAssignmentFields {
  @Authorized('read')
  @FieldResolver(() => [ModelAssignment], { description: 'Which version the deployment ran from when, oldest first.' })
  async assignments(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<ModelAssignment[]> {
    const rows = (await tenantOf(ctx).loaders.manyBy('ModelAssignment', 'deploymentId', 'validFrom').load(deployment.id)) as unknown as Omit<
      ModelAssignment,
      'validTo'
    >[];
    return rows.map((r, i) => ({ ...r, validTo: rows[i + 1]?.validFrom ?? null }));
  }
}

@Resolver(() => Prediction)
export class PredictionExplanationFields {
  @Authorized('read')
  @FieldResolver(() => [ExplanationEntryType], { description: 'The top feature contributions, largest effect first.' })
  async explanation(@Root() prediction: Prediction, @Ctx() ctx: Context): Promise<ExplanationEntry[]> {
    const version = await tenantOf(ctx).loaders.byId('ModelVersion').load(prediction.modelVersionId);
    const spec = storedFeatureSpec(version?.featureSpec);
    return spec ? expandExplanation(spec, prediction.explanation as CompactExplanation) : [];
  }
}

@Resolver(() => Insight)
export class InsightExplanationFields {
  @FieldResolver(() => [ExplanationEntryType], { description: 'The features behind the insight, largest effect first.' })
  explanation(@Root() insight: { explanation: unknown }): ExplanationEntry[] {
    return storedExplanation(insight.explanation);
  }
}

export const registryResolvers = [
  RegistryResolver,
  ModelAliasFields,
  ModelVersionAliasFields,
  ModelVersionDecisionFields,
  DeploymentAssignmentFields,
  PredictionExplanationFields,
  InsightExplanationFields,
];
