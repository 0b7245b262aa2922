// Inputs and filters of business value, with their validation.
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { IsOptional, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { CostCategory, CostKind, KpiDirection, KpiKind, MeasurementSource, RiskLevel, RoiBasis, UseCaseStatus } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';
import { partialOf } from '../../common/inputs.ts';

@InputType()
export class UseCaseInput {
  @Field(() => String) @Length(1, 160) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) description?: string;
  @Field(() => UseCaseStatus, { defaultValue: UseCaseStatus.PROPOSED }) status!: UseCaseStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => DateTime, { nullable: true }) @IsOptional() kickoffAt?: Date;
  @Field(() => Float, { defaultValue: 0 }) @Min(0) @Max(1) dataReadiness!: number;
  @Field(() => Float, { defaultValue: 0 }) @Min(0) @Max(1) stakeholderAlignment!: number;
  @Field(() => RiskLevel, { defaultValue: RiskLevel.MEDIUM }) riskLevel!: RiskLevel;
  @Field(() => Float, { defaultValue: 0.08 }) @Min(0) @Max(1) discountRateAnnual!: number;
}
export const UseCaseUpdate = partialOf(UseCaseInput, 'UseCaseUpdate');

@InputType()
export class UseCaseFilter {
  @Field(() => UseCaseStatus, { nullable: true }) @IsOptional() status?: UseCaseStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class KpiInput {
  @Field(() => ID) @IsUUID() useCaseId!: string;
  @Field(() => String) @Length(1, 160) name!: string;
  @Field(() => KpiKind, { defaultValue: KpiKind.CUSTOM }) kind!: KpiKind;
  @Field(() => String) @Length(1, 40) unit!: string;
  @Field(() => KpiDirection) direction!: KpiDirection;
  @Field(() => Float) baseline!: number;
  @Field(() => Float, { nullable: true }) @IsOptional() target?: number;
  @Field(() => Float, { defaultValue: 0 }) @Min(0) valuePerUnit!: number;
  @Field(() => Int, { defaultValue: 30 }) @Min(1) @Max(366) windowDays!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) description?: string;
  @Field(() => Json, {
    nullable: true,
    description: 'How the KPI is computed from the thread: { kind, scope, ... } (docs/value.md); null or left out: measured by hand.',
  })
  @IsOptional()
  computation?: unknown;
}
export const KpiUpdate = partialOf(KpiInput, 'KpiUpdate', ['useCaseId']);

@InputType()
export class KpiFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => KpiKind, { nullable: true }) @IsOptional() kind?: KpiKind;
}

@InputType()
export class KpiMeasurementInput {
  @Field(() => ID) @IsUUID() kpiId!: string;
  @Field(() => DateTime) measuredAt!: Date;
  @Field(() => Float) value!: number;
  @Field(() => MeasurementSource, { defaultValue: MeasurementSource.MANUAL }) source!: MeasurementSource;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) note?: string;
}

@InputType()
export class KpiMeasurementFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() kpiId?: string;
  @Field(() => DateTime, { nullable: true }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}

@InputType()
export class CostItemInput {
  @Field(() => ID) @IsUUID() useCaseId!: string;
  @Field(() => String) @Length(1, 160) name!: string;
  @Field(() => CostKind) kind!: CostKind;
  @Field(() => CostCategory, { defaultValue: CostCategory.OTHER }) category!: CostCategory;
  @Field(() => Float) @Min(0) amount!: number;
  @Field(() => DateTime) startsAt!: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() endsAt?: Date;
}
export const CostItemUpdate = partialOf(CostItemInput, 'CostItemUpdate', ['useCaseId']);

@InputType()
export class CostItemFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => CostKind, { nullable: true }) @IsOptional() kind?: CostKind;
}

@InputType()
export class RoiSnapshotFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => RoiBasis, { nullable: true }) @IsOptional() basis?: RoiBasis;
}
