// Inputs and filters of people and rhythm.
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { IsOptional, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { ReviewKind, ReviewStatus, Severity, SquadRole } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';
import { partialOf } from '../../common/inputs.ts';

@InputType()
export class SquadInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) mission?: string;
}
export const SquadUpdate = partialOf(SquadInput, 'SquadUpdate');

@InputType()
export class SquadFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class SquadMemberInput {
  @Field(() => ID) @IsUUID() squadId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() userId?: string;
  @Field(() => String) @Length(1, 120) displayName!: string;
  @Field(() => SquadRole) role!: SquadRole;
  @Field(() => Int, { defaultValue: 100 }) @Min(0) @Max(100) allocationPct!: number;
}
export const SquadMemberUpdate = partialOf(SquadMemberInput, 'SquadMemberUpdate', ['squadId']);

@InputType()
export class SquadMemberFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() squadId?: string;
  @Field(() => SquadRole, { nullable: true }) @IsOptional() role?: SquadRole;
}

@InputType()
export class OkrInput {
  @Field(() => ID) @IsUUID() squadId!: string;
  @Field(() => String) @Length(1, 400) objective!: string;
  @Field(() => DateTime) periodStart!: Date;
  @Field(() => DateTime) periodEnd!: Date;
}
export const OkrUpdate = partialOf(OkrInput, 'OkrUpdate', ['squadId']);

@InputType()
export class OkrFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() squadId?: string;
}

@InputType()
export class KeyResultInput {
  @Field(() => ID) @IsUUID() okrId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() kpiId?: string;
  @Field(() => String) @Length(1, 400) description!: string;
  @Field(() => Float) targetValue!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40) unit?: string;
}
export const KeyResultUpdate = partialOf(KeyResultInput, 'KeyResultUpdate', ['okrId']);

@InputType()
export class KeyResultFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() okrId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() kpiId?: string;
}

@InputType()
export class ReviewInput {
  @Field(() => ReviewKind) kind!: ReviewKind;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() squadId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => DateTime) dueAt!: Date;
}

@InputType()
export class ReviewUpdate extends partialOf(ReviewInput, 'ReviewFields', ['kind']) {
  @Field(() => ReviewStatus, { nullable: true }) @IsOptional() status?: ReviewStatus;
  @Field(() => DateTime, { nullable: true }) @IsOptional() heldAt?: Date;
  @Field(() => Json, { nullable: true, description: 'A list of { finding, owner, dueAt }.' }) @IsOptional() findings?: unknown;
}

@InputType()
export class ReviewFilter {
  @Field(() => ReviewKind, { nullable: true }) @IsOptional() kind?: ReviewKind;
  @Field(() => ReviewStatus, { nullable: true }) @IsOptional() status?: ReviewStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() useCaseId?: string;
  @Field(() => DateTime, { nullable: true, description: 'Due at or after.' }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true, description: 'Due before.' }) @IsOptional() to?: Date;
}

@InputType()
export class CertificationInput {
  @Field(() => ID) @IsUUID() holderId!: string;
  @Field(() => String) @Length(1, 200) subject!: string;
  @Field(() => String, { defaultValue: 'OPERATOR' }) @Length(1, 40) level!: string;
  @Field(() => DateTime) issuedAt!: Date;
  @Field(() => DateTime) expiresAt!: Date;
}
export const CertificationUpdate = partialOf(CertificationInput, 'CertificationUpdate', ['holderId']);

@InputType()
export class CertificationFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() holderId?: string;
  @Field(() => DateTime, { nullable: true, description: 'Expiring at or after.' }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true, description: 'Expiring before.' }) @IsOptional() to?: Date;
}

@InputType()
export class IncidentInput {
  @Field(() => ID) @IsUUID() assetId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() insightId?: string;
  @Field(() => String) @Length(1, 200) title!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) cause?: string;
  @Field(() => Severity, { defaultValue: Severity.WARNING }) severity!: Severity;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() endedAt?: Date;
  @Field(() => Float, { defaultValue: 0 }) @Min(0) downtimeMinutes!: number;
  @Field(() => Boolean, { defaultValue: false }) aiRelated!: boolean;
}
export const IncidentUpdate = partialOf(IncidentInput, 'IncidentUpdate', ['assetId']);

@InputType()
export class IncidentFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() aiRelated?: boolean;
  @Field(() => DateTime, { nullable: true }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}
