// Model and serving operations. Models and edge targets are edited here; versions, deployments,
// predictions, insights, drift reports, runs and experiments are written by their workflows.
import type { ClassType } from 'type-graphql';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { badInput } from '../../common/errors.ts';
import { modelPolicySchema } from '@threadline/db/models/model-policy';
import { belongsTo, hasMany, relationResolver } from '../../common/relations.ts';
import { User } from '../people/access.types.ts';
import { Asset, Site } from '../plant/plant.types.ts';
import { UseCase } from '../value/value.types.ts';
import { Deployment, DriftReport, EdgeTarget, Experiment, Insight, Model, ModelVersion, Prediction, TrainingRun } from './models.types.ts';
import * as I from './models.inputs.ts';
import * as D from './datasets.types.ts';
import { Backtest, Dataset } from './datasets.types.ts';

const write = 'model:write' as const;

/** A model's policy is checked (and its defaults filled in) before it is stored. */
async function prepareModel(input: Partial<I.ModelInput>): Promise<Record<string, unknown>> {
  if (input.policy === undefined || input.policy === null) {
    const { policy: _unset, ...rest } = input;
    return rest;
  }
  const policy = modelPolicySchema.safeParse(input.policy);
  if (!policy.success)
    throw badInput(`The policy is invalid: ${policy.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`).join('; ')}.`, {
      field: 'policy',
    });
  return { ...input, policy: policy.data };
}

function versionWhere({ retired, ...filter }: I.ModelVersionFilter): object {
  return retired === undefined || retired === null ? whereOf(filter) : { ...whereOf(filter), retiredAt: retired ? { not: null } : null };
}

export const modelSpecs: EntitySpec[] = [
  {
    name: 'Model',
    model: 'Model',
    subject: 'model',
    node: () => Model,
    list: 'models',
    single: 'model',
    filter: I.ModelFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'description'] }),
    create: { input: I.ModelInput, permission: write, prepare: (input) => prepareModel(input as I.ModelInput) },
    update: { input: I.ModelUpdate, permission: write, prepare: (input) => prepareModel(input as I.ModelInput) },
    delete: { permission: write },
  },
  {
    name: 'ModelVersion',
    model: 'ModelVersion',
    subject: 'model_version',
    node: () => ModelVersion,
    list: 'modelVersions',
    single: 'modelVersion',
    filter: I.ModelVersionFilter,
    toWhere: (f) => versionWhere(f as I.ModelVersionFilter),
  },
  {
    name: 'EdgeTarget',
    model: 'EdgeTarget',
    subject: 'edge_target',
    node: () => EdgeTarget,
    list: 'edgeTargets',
    single: 'edgeTarget',
    filter: I.EdgeTargetFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.EdgeTargetInput, permission: write },
    update: { input: I.EdgeTargetUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'Deployment',
    model: 'Deployment',
    subject: 'deployment',
    node: () => Deployment,
    list: 'deployments',
    single: 'deployment',
    filter: I.DeploymentFilter,
    toWhere: (f) => whereOf(f),
  },
  {
    name: 'Prediction',
    model: 'Prediction',
    subject: 'model_version',
    node: () => Prediction,
    list: 'predictions',
    single: 'prediction',
    orderKey: 'ts',
    filter: I.PredictionFilter,
    toWhere: (f) => whereOf(f, { time: 'ts' }),
  },
  {
    name: 'Insight',
    model: 'Insight',
    subject: 'insight',
    node: () => Insight,
    list: 'insights',
    single: 'insight',
    orderKey: 'raisedAt',
    filter: I.InsightFilter,
    toWhere: (f) => whereOf(f, { time: 'raisedAt' }),
  },
  {
    name: 'DriftReport',
    model: 'DriftReport',
    subject: 'model_version',
    node: () => DriftReport,
    list: 'driftReports',
    single: 'driftReport',
    filter: I.DriftReportFilter,
    toWhere: (f) => whereOf(f),
  },
  {
    name: 'TrainingRun',
    model: 'TrainingRun',
    subject: 'training_run',
    node: () => TrainingRun,
    list: 'trainingRuns',
    single: 'trainingRun',
    filter: I.TrainingRunFilter,
    toWhere: (f) => whereOf(f),
  },
  {
    name: 'Dataset',
    model: 'Dataset',
    subject: 'dataset',
    node: () => Dataset,
    list: 'datasets',
    single: 'dataset',
    filter: D.DatasetFilter,
    toWhere: (f) => whereOf(f, { search: ['name'] }),
  },
  {
    name: 'Backtest',
    model: 'Backtest',
    subject: 'backtest',
    node: () => Backtest,
    list: 'backtests',
    single: 'backtest',
    filter: D.BacktestFilter,
    toWhere: (f) => whereOf(f),
  },
  {
    name: 'Experiment',
    model: 'Experiment',
    subject: 'experiment',
    node: () => Experiment,
    list: 'experiments',
    single: 'experiment',
    orderKey: 'startedAt',
    filter: I.ExperimentFilter,
    toWhere: (f) => whereOf(f),
  },
];

export const modelResolvers: ClassType[] = [
  ...modelSpecs.flatMap(entityResolvers),
  relationResolver('Model', () => Model, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId', true),
    owner: belongsTo('User', () => User, 'ownerId', true),
    versions: hasMany('ModelVersion', () => ModelVersion, 'modelId'),
  }),
  relationResolver('ModelVersion', () => ModelVersion, {
    model: belongsTo('Model', () => Model, 'modelId'),
    parent: belongsTo('ModelVersion', () => ModelVersion, 'parentVersionId', true),
    trainingRun: belongsTo('TrainingRun', () => TrainingRun, 'trainingRunId', true),
    registeredBy: belongsTo('User', () => User, 'registeredById', true),
    deployments: hasMany('Deployment', () => Deployment, 'modelVersionId'),
    backtests: hasMany('Backtest', () => Backtest, 'modelVersionId'),
  }),
  relationResolver('Backtest', () => Backtest, {
    modelVersion: belongsTo('ModelVersion', () => ModelVersion, 'modelVersionId'),
    dataset: belongsTo('Dataset', () => Dataset, 'datasetId', true),
  }),
  relationResolver('EdgeTarget', () => EdgeTarget, {
    site: belongsTo('Site', () => Site, 'siteId', true),
    deployments: hasMany('Deployment', () => Deployment, 'edgeTargetId'),
  }),
  relationResolver('Deployment', () => Deployment, {
    modelVersion: belongsTo('ModelVersion', () => ModelVersion, 'modelVersionId'),
    edgeTarget: belongsTo('EdgeTarget', () => EdgeTarget, 'edgeTargetId'),
    asset: belongsTo('Asset', () => Asset, 'assetId', true),
  }),
  relationResolver('Prediction', () => Prediction, {
    modelVersion: belongsTo('ModelVersion', () => ModelVersion, 'modelVersionId'),
    asset: belongsTo('Asset', () => Asset, 'assetId'),
  }),
  relationResolver('Insight', () => Insight, {
    asset: belongsTo('Asset', () => Asset, 'assetId'),
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId', true),
    modelVersion: belongsTo('ModelVersion', () => ModelVersion, 'modelVersionId', true),
    prediction: belongsTo('Prediction', () => Prediction, 'predictionId', true),
    acknowledgedBy: belongsTo('User', () => User, 'acknowledgedById', true),
    verdictBy: belongsTo('User', () => User, 'verdictById', true),
  }),
  relationResolver('DriftReport', () => DriftReport, {
    modelVersion: belongsTo('ModelVersion', () => ModelVersion, 'modelVersionId'),
    deployment: belongsTo('Deployment', () => Deployment, 'deploymentId', true),
    trainingRuns: hasMany('TrainingRun', () => TrainingRun, 'driftReportId'),
  }),
  relationResolver('TrainingRun', () => TrainingRun, {
    model: belongsTo('Model', () => Model, 'modelId'),
    baseVersion: belongsTo('ModelVersion', () => ModelVersion, 'baseVersionId', true),
    driftReport: belongsTo('DriftReport', () => DriftReport, 'driftReportId', true),
    dataset: belongsTo('Dataset', () => Dataset, 'datasetId', true),
    requestedBy: belongsTo('User', () => User, 'requestedById', true),
    outputs: hasMany('ModelVersion', () => ModelVersion, 'trainingRunId'),
  }),
  relationResolver('Experiment', () => Experiment, {
    model: belongsTo('Model', () => Model, 'modelId'),
    champion: belongsTo('ModelVersion', () => ModelVersion, 'championVersionId'),
    challenger: belongsTo('ModelVersion', () => ModelVersion, 'challengerVersionId'),
    championDeployment: belongsTo('Deployment', () => Deployment, 'championDeploymentId'),
    challengerDeployment: belongsTo('Deployment', () => Deployment, 'challengerDeploymentId'),
  }),
];
