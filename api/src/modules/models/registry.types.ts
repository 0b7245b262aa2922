// GraphQL types and inputs of the model registry's workflows: aliases, the assignment history,
// signing keys, training requests, registration of outside versions, deployments, edge bundles.
import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IsBase64, IsIn, IsOptional, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { DeploymentMode } from '@threadline/db/client';
import { EDGE_PACKAGE_FORMATS, type EdgePackageFormat as EdgePackageFormatName } from '@threadline/db/models/edge-packaging';
import { DateTime, Json } from '../../common/scalars.ts';

@ObjectType({ description: 'A movable name (champion, challenger, …) for one version of a model.' })
export class ModelAlias {
  @Field(() => ID) modelId!: string;
  @Field(() => String) alias!: string;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => ID, { nullable: true, description: 'The version it named before its last move (what rollbackModelAlias restores).' }) previousVersionId!:
    string | null;
  @Field(() => ID, { nullable: true }) updatedById!: string | null;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'From validFrom on, the deployment ran this version (none: retired). Append-only.' })
export class ModelAssignment {
  @Field(() => ID) deploymentId!: string;
  @Field(() => ID, { nullable: true }) modelVersionId!: string | null;
  @Field(() => DateTime) validFrom!: Date;
  @Field(() => DateTime, { nullable: true, description: 'When the next assignment of the deployment took over.' }) validTo!: Date | null;
  @Field(() => String) reason!: string;
  @Field(() => String) actorLabel!: string;
}

@ObjectType({ description: 'The public half of a key model versions are signed with (SPKI PEM).' })
export class ModelSigningKey {
  @Field(() => ID) keyId!: string;
  @Field(() => String) publicKey!: string;
  @Field(() => Boolean, { description: 'A development key made on first start; never trust it in production.' }) development!: boolean;
  @Field(() => DateTime) createdAt!: Date;
}

export const EdgePackageFormat = Object.fromEntries(EDGE_PACKAGE_FORMATS.map((f) => [f, f])) as { [F in EdgePackageFormatName]: F };
export type EdgePackageFormat = EdgePackageFormatName;
registerEnumType(EdgePackageFormat, { name: 'EdgePackageFormat', description: 'BUNDLE (the bundle alone), GREENGRASS_V3, AZURE_IOT_EDGE, HELM.' });

@ObjectType()
export class EdgePackageFile {
  @Field(() => String) path!: string;
  @Field(() => String) content!: string;
}

@ObjectType({
  description:
    'A signed bundle for an edge target: save `bundle` as JSON and give it to `threadline-edge`; `files` package the agent for the format asked for.',
})
export class EdgeBundleFile {
  @Field(() => String) fileName!: string;
  @Field(() => Json) bundle!: unknown;
  @Field(() => [EdgePackageFile], {
    description: 'The Greengrass recipe, Azure IoT Edge manifest or Helm chart running the agent with this bundle (none for BUNDLE).',
  })
  files!: EdgePackageFile[];
}

@InputType()
export class TrainModelInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => DateTime, { description: 'Start of the data window to learn from.' }) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => ID, { nullable: true, description: 'The version this run retrains (lineage parent).' }) @IsOptional() @IsUUID() baseVersionId?: string;
  @Field(() => Json, {
    nullable: true,
    description:
      'family (LOGISTIC, MLP, GBT, ANOMALY_ZSCORE), signals, aggregates, derived, searchDerived, thresholdRule, windowSeconds, stepSeconds, trainingStepSeconds, horizonMinutes, assetIds, epochs, learningRate, l2, hiddenUnits, seed.',
  })
  @IsOptional()
  params?: Record<string, unknown>;
  @Field(() => String, {
    nullable: true,
    description:
      'Your key for this request (1-200 characters, e.g. a UUID). Sending the request again with the same key, say after a timeout, returns the run the first one queued instead of queueing another.',
  })
  @IsOptional()
  @Length(1, 200)
  requestKey?: string;
}

@InputType()
export class RegisterModelVersionInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => String, { description: 'The ONNX model, base64. Input `features` [N, F]; outputs `score` [N] and `contributions` [N, F].' })
  @IsBase64()
  @MaxLength(64 * 1024 * 1024)
  onnx!: string;
  @Field(() => Json, { description: 'The feature spec (see docs/models.md).' }) featureSpec!: unknown;
  @Field(() => Float, { defaultValue: 0.5 }) @Min(0) @Max(1) threshold!: number;
  @Field(() => Json, { nullable: true }) @IsOptional() metrics?: Record<string, unknown>;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() parentVersionId?: string;
}

@InputType()
export class SetModelAliasInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => String, { description: 'Lower-case name, e.g. champion or challenger.' }) @Matches(/^[a-z][a-z0-9_-]{0,39}$/) alias!: string;
  @Field(() => ID) @IsUUID() versionId!: string;
}

@InputType()
export class DeployModelInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => ID, { nullable: true, description: 'Deploy this version; or give alias to follow an alias.' }) @IsOptional() @IsUUID() versionId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,39}$/) alias?: string;
  @Field(() => ID) @IsUUID() edgeTargetId!: string;
  @Field(() => ID, { nullable: true, description: "One asset; leave out for every asset of the model's type (in the target's site)." })
  @IsOptional()
  @IsUUID()
  assetId?: string;
  @Field(() => DeploymentMode, { defaultValue: DeploymentMode.CHAMPION }) @IsIn(Object.values(DeploymentMode)) mode!: DeploymentMode;
  @Field(() => Float, { defaultValue: 1 }) @Min(0) @Max(1) trafficShare!: number;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Score the windows from this time when the deployment first runs (a backfill of up to 92 days of stored telemetry); without it, from now.',
  })
  @IsOptional()
  scoreFrom?: Date;
}
