// Inputs and filters of models and serving.
import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, IsUUID, Length, MaxLength } from 'class-validator';
import {
  AiRiskClass,
  DeploymentMode,
  DeploymentStatus,
  EdgeTargetKind,
  ExperimentStatus,
  InsightKind,
  ModelTask,
  RunStatus,
  Severity,
} from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';
import { partialOf } from '../../common/inputs.ts';

@InputType()
export class ModelInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => ModelTask) task!: ModelTask;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => ID, { nullable: true, description: 'The asset type whose assets it scores; needed to train it here.' })
  @IsOptional()
  @IsUUID()
  assetTypeId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) description?: string;
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(256) @Length(1, 120, { each: true }) features!: string[];
  @Field(() => AiRiskClass, { defaultValue: AiRiskClass.LIMITED }) riskClass!: AiRiskClass;
  @Field(() => String, { nullable: true, description: 'Model card: what it is for and who acts on it.' }) @IsOptional() @MaxLength(4000) intendedUse?: string;
  @Field(() => String, { nullable: true, description: 'Model card: the data it learns from.' }) @IsOptional() @MaxLength(4000) trainingData?: string;
  @Field(() => String, { nullable: true, description: 'Model card: where it must not be trusted.' }) @IsOptional() @MaxLength(4000) limitations?: string;
  @Field(() => Json, {
    nullable: true,
    description:
      'insightThreshold, driftWindowHours, psiThreshold, ksAlpha, cusumSlack, cusumThreshold, driftShare, autoRetrain, retrainWindowHours, autoPromote, promoteMargin (docs/models.md).',
  })
  @IsOptional()
  policy?: unknown;
}
export const ModelUpdate = partialOf(ModelInput, 'ModelUpdate', ['task']);

@InputType()
export class ModelFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => ModelTask, { nullable: true }) @IsOptional() task?: ModelTask;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class ModelVersionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelId?: string;
  @Field(() => Boolean, { nullable: true, description: 'True: only retired versions; false: only live ones.' }) @IsOptional() retired?: boolean;
}

@InputType()
export class EdgeTargetInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => EdgeTargetKind) kind!: EdgeTargetKind;
  @Field(() => String) @Length(1, 120) runtime!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() siteId?: string;
  @Field(() => String, { nullable: true, description: 'Ed25519 public key (SPKI PEM).' }) @IsOptional() @MaxLength(2000) publicKey?: string;
  @Field(() => Json, { nullable: true }) @IsOptional() fallbackRules?: unknown;
}
export const EdgeTargetUpdate = partialOf(EdgeTargetInput, 'EdgeTargetUpdate');

@InputType()
export class EdgeTargetFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() siteId?: string;
  @Field(() => EdgeTargetKind, { nullable: true }) @IsOptional() kind?: EdgeTargetKind;
}

@InputType()
export class DeploymentFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelVersionId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() edgeTargetId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => DeploymentMode, { nullable: true }) @IsOptional() mode?: DeploymentMode;
  @Field(() => DeploymentStatus, { nullable: true }) @IsOptional() status?: DeploymentStatus;
}

@InputType()
export class PredictionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelVersionId?: string;
  @Field(() => DateTime, { nullable: true }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}

@InputType()
export class InsightFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => InsightKind, { nullable: true }) @IsOptional() kind?: InsightKind;
  @Field(() => Severity, { nullable: true }) @IsOptional() severity?: Severity;
  @Field(() => DateTime, { nullable: true }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}

@InputType()
export class DriftReportFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelVersionId?: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() drifting?: boolean;
}

@InputType()
export class TrainingRunFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelId?: string;
  @Field(() => RunStatus, { nullable: true }) @IsOptional() status?: RunStatus;
}

@InputType()
export class ExperimentFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelId?: string;
  @Field(() => ExperimentStatus, { nullable: true }) @IsOptional() status?: ExperimentStatus;
}
