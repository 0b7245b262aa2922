// Builds the GraphQL schema from every module's resolvers.
import type { GraphQLSchema } from 'graphql';
import type { ClassType } from 'type-graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth/auth-checker.ts';
import { validateArgs } from './common/validate-args.ts';
import { DateTime } from './common/scalars.ts';
import { accessResolvers } from './modules/people/access.resolver.ts';
import { governanceResolvers } from './modules/audit/audit.resolver.ts';
import { deletedRecordResolvers } from './modules/audit/deleted-records.resolver.ts';
import { modelResolvers } from './modules/models/models.resolver.ts';
import { registryResolvers } from './modules/models/registry.resolver.ts';
import { frameResolvers } from './modules/vision/frames.resolver.ts';
import { ExperimentResolver } from './modules/models/experiments.resolver.ts';
import { DeploymentAssetsResolver } from './modules/models/deployment-assets.ts';
import { ModelCardResolver } from './modules/models/model-card.resolver.ts';
import { PromotionResolver } from './modules/models/promotion.resolver.ts';
import { DatasetResolver } from './modules/models/datasets.resolver.ts';
import { peopleResolvers } from './modules/people/people.resolver.ts';
import { rhythmResolvers } from './modules/people/review-rhythm.resolver.ts';
import { plantResolvers } from './modules/plant/plant.resolver.ts';
import { eventResolvers } from './modules/telemetry/events.resolver.ts';
import { TelemetryResolver } from './modules/telemetry/telemetry.resolver.ts';
import { SignalSeriesResolver } from './modules/telemetry/signal-series.resolver.ts';
import { InsightAcknowledgementResolver } from './modules/insights/acknowledgement.resolver.ts';
import { InsightVerdictResolver } from './modules/insights/verdict.resolver.ts';
import { EdgeRolloutResolver } from './modules/models/edge-rollouts.resolver.ts';
import { DeviceIdentityResolver } from './modules/devices/device-identities.resolver.ts';
import { RoiResolver } from './modules/value/roi.resolver.ts';
import { InsightTimingsResolver } from './modules/value/insight-timings.resolver.ts';
import { PortfolioResolver } from './modules/value/portfolio.resolver.ts';
import { RoiThreadResolver } from './modules/value/roi-thread.resolver.ts';
import { valueResolvers } from './modules/value/value.resolver.ts';
import { waveResolvers } from './modules/waves/waves.resolver.ts';
import { ReadReplicaResolver } from './modules/system/replica.resolver.ts';
import { FederationResolver } from './modules/federation/federation.resolver.ts';
import { PipelineHealthResolver } from './modules/system/pipeline-health.resolver.ts';
import { notificationResolvers } from './modules/notifications/notifications.resolver.ts';
import { BiReaderResolver } from './modules/exports/bi-readers.resolver.ts';
import { PlantImportResolver } from './modules/plant/plant-import.resolver.ts';
import { AssetTypeVersionsResolver } from './modules/plant/asset-type-versions.resolver.ts';
import { CalculatedSignalsResolver } from './modules/plant/calculated-signals.resolver.ts';
import { CalendarResolver, SiteCalendarResolver } from './modules/plant/calendar.resolver.ts';
import { AlarmsResolver } from './modules/telemetry/alarms.resolver.ts';
import { CorrectionsResolver } from './modules/telemetry/corrections.resolver.ts';

export const resolvers: ClassType[] = [
  ...accessResolvers,
  ...plantResolvers,
  ...valueResolvers,
  RoiResolver,
  InsightTimingsResolver,
  PortfolioResolver,
  RoiThreadResolver,
  ...waveResolvers,
  ...peopleResolvers,
  ...rhythmResolvers,
  ...modelResolvers,
  ...registryResolvers,
  ...frameResolvers,
  PromotionResolver,
  DatasetResolver,
  FederationResolver,
  ExperimentResolver,
  DeploymentAssetsResolver,
  ModelCardResolver,
  InsightAcknowledgementResolver,
  InsightVerdictResolver,
  EdgeRolloutResolver,
  DeviceIdentityResolver,
  ...governanceResolvers,
  ...deletedRecordResolvers,
  TelemetryResolver,
  SignalSeriesResolver,
  ...eventResolvers,
  ReadReplicaResolver,
  PipelineHealthResolver,
  ...notificationResolvers,
  BiReaderResolver,
  PlantImportResolver,
  AssetTypeVersionsResolver,
  CalculatedSignalsResolver,
  CalendarResolver,
  SiteCalendarResolver,
  AlarmsResolver,
  CorrectionsResolver,
];

/** Operations anyone may call without credentials; every other one is @Authorized. */
export const PUBLIC_OPERATIONS = new Set(['Mutation.login', 'Mutation.loginWithSso', 'Query.signInOptions']);

export function buildThreadlineSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolvers as [ClassType, ...ClassType[]],
    authChecker,
    authMode: 'error',
    validateFn: validateArgs,
    scalarsMap: [{ type: Date, scalar: DateTime }],
  });
}
