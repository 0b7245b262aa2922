// GraphQL types of models and serving: models, versions with lineage, edge targets, deployments,
// predictions, insights, drift reports, training runs and experiments.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  AiRiskClass,
  DeploymentMode,
  DeploymentStatus,
  EdgeTargetKind,
  ExperimentDecision,
  ExperimentKind,
  ExperimentStatus,
  InsightKind,
  InsightVerdict,
  ModelTask,
  RunStatus,
  Severity,
  TrainingTrigger,
} from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(ModelTask, { name: 'ModelTask' });
registerEnumType(AiRiskClass, { name: 'AiRiskClass', description: "Risk class in the EU AI Act's terms." });
registerEnumType(EdgeTargetKind, { name: 'EdgeTargetKind' });
registerEnumType(DeploymentMode, { name: 'DeploymentMode' });
registerEnumType(DeploymentStatus, { name: 'DeploymentStatus' });
registerEnumType(InsightKind, { name: 'InsightKind' });
registerEnumType(InsightVerdict, {
  name: 'InsightVerdict',
  description: "An operator's verdict on an insight: a label for backtests, performance-decay checks, A/B evaluations and retraining.",
});
registerEnumType(TrainingTrigger, { name: 'TrainingTrigger' });
registerEnumType(RunStatus, { name: 'RunStatus' });
registerEnumType(ExperimentKind, { name: 'ExperimentKind' });
registerEnumType(ExperimentStatus, { name: 'ExperimentStatus' });
registerEnumType(ExperimentDecision, { name: 'ExperimentDecision' });

@ObjectType()
export class Model {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) useCaseId!: string | null;
  @Field(() => ID, { nullable: true }) ownerId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => ModelTask) task!: ModelTask;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => ID, { nullable: true, description: 'The asset type whose assets it scores.' }) assetTypeId!: string | null;
  @Field(() => [String], { description: 'Feature names in input order.' }) features!: string[];
  @Field(() => AiRiskClass) riskClass!: AiRiskClass;
  @Field(() => String, { nullable: true }) intendedUse!: string | null;
  @Field(() => String, { nullable: true }) trainingData!: string | null;
  @Field(() => String, { nullable: true }) limitations!: string | null;
  @Field(() => Json, { description: 'Drift thresholds, retraining and promotion rules.' }) policy!: unknown;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'A signed, immutable model artifact and where it came from.' })
export class ModelVersion {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'LOGISTIC, MLP, GBT, ANOMALY_ZSCORE (trained by Threadline) or EXTERNAL.' }) family!: string;
  @Field(() => Float, { description: 'Score at or above which the model raises an insight.' }) threshold!: number;
  @Field(() => DateTime, { nullable: true }) retiredAt!: Date | null;
  @Field(() => String, { description: 'SHA-256 of the ONNX bytes.' }) sha256!: string;
  @Field(() => String, { nullable: true, description: 'Ed25519 signature over (model, version, sha256).' }) signature!: string | null;
  @Field(() => String, { nullable: true }) signingKeyId!: string | null;
  @Field(() => Json) featureSpec!: unknown;
  @Field(() => Json) metrics!: unknown;
  @Field(() => Json) referenceProfile!: unknown;
  @Field(() => ID, { nullable: true }) parentVersionId!: string | null;
  @Field(() => ID, { nullable: true }) trainingRunId!: string | null;
  @Field(() => ID, { nullable: true }) registeredById!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'Where models run: an edge gateway, a Jetson, an industrial PC or the cloud.' })
export class EdgeTarget {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) siteId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => EdgeTargetKind) kind!: EdgeTargetKind;
  @Field(() => String) runtime!: string;
  @Field(() => String, { nullable: true }) publicKey!: string | null;
  @Field(() => DateTime, { nullable: true }) lastHeartbeatAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The version of threadline-edge that last reported.' }) agentVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'What the agent scores with: MODEL, or FALLBACK (the asset type ranges: no model verifies or loads).' })
  agentMode!: string | null;
  @Field(() => Int, { nullable: true, description: 'The model version the agent runs.' }) agentModelVersion!: number | null;
  @Field(() => Int, { nullable: true, description: 'Records the agent holds that the core has not accepted yet (store and forward).' })
  agentBacklog!: number | null;
  @Field(() => Int, { nullable: true, description: 'Records the agent dropped because its local buffer was full.' }) agentDropped!: number | null;
  @Field(() => Json) fallbackRules!: unknown;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType()
export class Deployment {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => String, { nullable: true, description: 'The alias the deployment follows, if any.' }) alias!: string | null;
  @Field(() => ID) edgeTargetId!: string;
  @Field(() => ID, { nullable: true }) assetId!: string | null;
  @Field(() => DeploymentMode) mode!: DeploymentMode;
  @Field(() => Float) trafficShare!: number;
  @Field(() => DeploymentStatus) status!: DeploymentStatus;
  @Field(() => String, { nullable: true, description: 'Why the deployment is in its status, e.g. why it runs its fallback rules.' }) statusReason!:
    string | null;
  @Field(() => ID, { nullable: true }) deployedById!: string | null;
  @Field(() => DateTime, { nullable: true }) deployedAt!: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Where the deployment started scoring when it first ran (a backfill), if asked.' })
  scoreFrom!: Date | null;
  @Field(() => DateTime, { nullable: true }) retiredAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A version on its validation slice (the latest 20 % of its training window), where its threshold was set.' })
export class ValidationFigures {
  @Field(() => Int, { nullable: true }) windows!: number | null;
  @Field(() => Int, { nullable: true }) positives!: number | null;
  @Field(() => Float, { nullable: true }) auc!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area under the precision-recall curve.' }) averagePrecision!: number | null;
  @Field(() => Float, { nullable: true }) precision!: number | null;
  @Field(() => Float, { nullable: true }) recall!: number | null;
  @Field(() => Float, { nullable: true }) f1!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean squared error of the calibrated scores.' }) brier!: number | null;
}

@ObjectType({ description: 'Platt scaling of the margin: score = sigmoid(a × margin + b).' })
export class ScoreCalibration {
  @Field(() => Float) a!: number;
  @Field(() => Float) b!: number;
}

@ObjectType({
  description: "How a version's threshold was set: the rule, its prices or precision, where it came from, the calibration and the validation figures.",
})
export class VersionDecision {
  @Field(() => String, { description: 'COST, MIN_PRECISION or BEST_F1.' }) rule!: string;
  @Field(() => Float, { nullable: true, description: 'The price of a missed failure (COST).' }) missedFailure!: number | null;
  @Field(() => Float, { nullable: true, description: 'The price of a false alarm (COST).' }) falseAlarm!: number | null;
  @Field(() => Float, { nullable: true }) minPrecision!: number | null;
  @Field(() => String, { description: "training parameters, KPI <name> (the use case's detector-value KPI) or default." }) source!: string;
  @Field(() => ScoreCalibration, { nullable: true }) calibration!: ScoreCalibration | null;
  @Field(() => ValidationFigures) validation!: ValidationFigures;
  @Field(() => String) summary!: string;
}

@ObjectType({ description: "How much one feature moved a score: its value and reference in the signal's units, and its contribution." })
export class ExplanationEntry {
  @Field(() => String, { description: 'The feature, e.g. spindle_vibration.mean.' }) feature!: string;
  @Field(() => String) signal!: string;
  @Field(() => String, { description: 'mean, max, slope, …' }) aggregate!: string;
  @Field(() => Float) value!: number;
  @Field(() => Float, { description: "The normal value (training mean, or the normal range's limit for fallback rules)." }) reference!: number;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Float, { description: 'The score minus the score with this feature at its reference.' }) contribution!: number;
}

@ObjectType()
export class Prediction {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => ID, { nullable: true }) deploymentId!: string | null;
  @Field(() => ID) assetId!: string;
  @Field(() => DateTime) ts!: Date;
  @Field(() => Float) score!: number;
  @Field(() => String, { nullable: true }) label!: string | null;
  /** Stored compact; the explanation field resolver expands it (registry.resolver.ts). */
  explanation!: unknown;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'An explained alert or forecast for an operator.' })
export class Insight {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetId!: string;
  @Field(() => ID, { nullable: true }) useCaseId!: string | null;
  @Field(() => ID, { nullable: true }) modelVersionId!: string | null;
  @Field(() => ID, { nullable: true }) predictionId!: string | null;
  @Field(() => InsightKind) kind!: InsightKind;
  @Field(() => Severity) severity!: Severity;
  @Field(() => String) title!: string;
  /** Stored as JSON; the explanation field resolver types it (registry.resolver.ts). */
  explanation!: unknown;
  @Field(() => Boolean, { description: 'Raised by fallback rules rather than the model.' }) fromFallback!: boolean;
  @Field(() => DateTime) evidenceStartAt!: Date;
  @Field(() => DateTime) evidenceEndAt!: Date;
  @Field(() => DateTime, { nullable: true }) evidenceReceivedAt!: Date | null;
  @Field(() => DateTime) raisedAt!: Date;
  @Field(() => DateTime, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => ID, { nullable: true }) acknowledgedById!: string | null;
  @Field(() => DateTime, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => ID, { nullable: true }) resolvedById!: string | null;
  @Field(() => InsightVerdict, { nullable: true, description: 'True problem, false alarm or unsure, as an operator judged it.' })
  verdict!: InsightVerdict | null;
  @Field(() => String, { nullable: true }) verdictComment!: string | null;
  @Field(() => ID, { nullable: true }) verdictById!: string | null;
  @Field(() => DateTime, { nullable: true }) verdictAt!: Date | null;
}

@ObjectType()
export class DriftReport {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => ID, { nullable: true }) deploymentId!: string | null;
  @Field(() => DateTime) windowStartAt!: Date;
  @Field(() => DateTime) windowEndAt!: Date;
  @Field(() => Json, {
    description:
      'windows; per feature PSI, KS statistic and p-value, CUSUM (high, low, alarm) and drifting; predictionDrift (scores against the training scores); performance (predictions judged against incidents beside the holdout). See docs/models.md.',
  })
  features!: unknown;
  @Field(() => Float) driftingShare!: number;
  @Field(() => Boolean) drifting!: boolean;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class TrainingRun {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => ID, { nullable: true }) baseVersionId!: string | null;
  @Field(() => ID, { nullable: true }) driftReportId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The dataset trained on, instead of telemetry.' }) datasetId!: string | null;
  @Field(() => TrainingTrigger) trigger!: TrainingTrigger;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => DateTime) dataWindowStartAt!: Date;
  @Field(() => DateTime) dataWindowEndAt!: Date;
  @Field(() => Json) params!: unknown;
  @Field(() => Json) metrics!: unknown;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => ID, { nullable: true }) requestedById!: string | null;
  @Field(() => String, { nullable: true, description: 'The key the request was sent with, if any.' }) requestKey!: string | null;
  @Field(() => DateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) finishedAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A champion/challenger or shadow comparison and its decision.' })
export class Experiment {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => ID) championVersionId!: string;
  @Field(() => ID) challengerVersionId!: string;
  @Field(() => ExperimentKind) kind!: ExperimentKind;
  @Field(() => ExperimentStatus) status!: ExperimentStatus;
  @Field(() => Float) trafficShare!: number;
  @Field(() => String) metric!: string;
  @Field(() => String) statisticalTest!: string;
  @Field(() => Json, {
    description:
      'The latest evaluation: per arm windows, asset-hours and mean loss; difference (challenger − champion) with its 95 % interval, p-value, relative improvement and verdict (docs/models.md).',
  })
  result!: unknown;
  @Field(() => ExperimentDecision, { nullable: true }) decision!: ExperimentDecision | null;
  @Field(() => ID, { nullable: true }) decidedById!: string | null;
  @Field(() => DateTime, { nullable: true }) decidedAt!: Date | null;
  @Field(() => ID, { description: 'The live champion deployment the experiment splits or shadows.' }) championDeploymentId!: string;
  @Field(() => ID, { description: "The challenger's (or shadow's) own deployment on the same target and scope." }) challengerDeploymentId!: string;
  @Field(() => ID, { nullable: true }) startedById!: string | null;
  @Field(() => DateTime, { nullable: true, description: 'When the workers last evaluated it (result).' }) evaluatedAt!: Date | null;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime, { nullable: true }) endedAt!: Date | null;
}
