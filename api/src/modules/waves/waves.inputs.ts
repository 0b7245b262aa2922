// Inputs and filters of scaling waves.
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsOptional, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { ApprovalStatus, ApprovalSubject, WavePhase, WaveStatus } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';
import { partialOf } from '../../common/inputs.ts';

@InputType()
export class ScalingWaveInput {
  @Field(() => ID) @IsUUID() useCaseId!: string;
  @Field(() => WavePhase) phase!: WavePhase;
  @Field(() => String) @Length(1, 160) name!: string;
  @Field(() => DateTime) plannedStartAt!: Date;
  @Field(() => DateTime) plannedEndAt!: Date;
  @Field(() => Int, { nullable: true, description: 'Stricter than the phase policy only.' }) @IsOptional() @Min(1) maxAssets?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1) maxLines?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1) maxSites?: number;
}

@InputType()
export class ScalingWaveUpdate extends partialOf(ScalingWaveInput, 'ScalingWaveFields', ['useCaseId', 'phase']) {
  @Field(() => WaveStatus, { nullable: true }) @IsOptional() status?: WaveStatus;
}

@InputType()
export class ScalingWaveFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => WavePhase, { nullable: true }) @IsOptional() phase?: WavePhase;
  @Field(() => WaveStatus, { nullable: true }) @IsOptional() status?: WaveStatus;
}

@InputType()
export class WaveScopeItemFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() waveId?: string;
}

@InputType()
export class WaveGateInput {
  @Field(() => ID) @IsUUID() waveId!: string;
  @Field(() => ID) @IsUUID() kpiId!: string;
  @Field(() => Float) threshold!: number;
  @Field(() => Int, { defaultValue: 30 }) @Min(1) @Max(366) windowDays!: number;
}
export const WaveGateUpdate = partialOf(WaveGateInput, 'WaveGateUpdate', ['waveId', 'kpiId']);

@InputType()
export class WaveGateFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() waveId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() kpiId?: string;
}

@InputType()
export class GateDecisionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() waveId?: string;
}

@InputType()
export class ApprovalFilter {
  @Field(() => ApprovalSubject, { nullable: true }) @IsOptional() subjectType?: ApprovalSubject;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() subjectId?: string;
  @Field(() => ApprovalStatus, { nullable: true }) @IsOptional() status?: ApprovalStatus;
}

@InputType()
export class WaveScopeInput {
  @Field(() => ID) @IsUUID() waveId!: string;
  @Field(() => [ID], { defaultValue: [] }) @IsUUID('all', { each: true }) @ArrayMaxSize(1000) assetIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) @IsUUID('all', { each: true }) @ArrayMaxSize(100) lineIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) @IsUUID('all', { each: true }) @ArrayMaxSize(100) siteIds!: string[];
}

@InputType()
export class WaveAdvanceRequestInput {
  @Field(() => ID) @IsUUID() waveId!: string;
  @Field(() => String, { description: 'Why the wave should advance; the approver reads it beside the gates.' }) @Length(1, 4000) rationale!: string;
}

@InputType()
export class WaveAdvanceDecisionInput {
  @Field(() => ID) @IsUUID() approvalId!: string;
  @Field(() => Boolean) approve!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}
