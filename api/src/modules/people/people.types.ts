// GraphQL types of people and rhythm: squads, members, OKRs and key results, reviews,
// certifications and incidents.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ReviewKind, ReviewStatus, Severity, SquadRole } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(SquadRole, { name: 'SquadRole' });
registerEnumType(ReviewKind, { name: 'ReviewKind', description: 'MODEL_PERFORMANCE every two weeks, INFRA_HEALTH quarterly, MATURITY yearly.' });
registerEnumType(ReviewStatus, { name: 'ReviewStatus' });
registerEnumType(Severity, { name: 'Severity' });

@ObjectType({ description: 'A cross-functional team that owns a use case.' })
export class Squad {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) useCaseId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) mission!: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType()
export class SquadMember {
  @Field(() => ID) id!: string;
  @Field(() => ID) squadId!: string;
  @Field(() => ID, { nullable: true }) userId!: string | null;
  @Field(() => String) displayName!: string;
  @Field(() => SquadRole) role!: SquadRole;
  @Field(() => Int) allocationPct!: number;
  @Field(() => DateTime) joinedAt!: Date;
}

@ObjectType()
export class Okr {
  @Field(() => ID) id!: string;
  @Field(() => ID) squadId!: string;
  @Field(() => String) objective!: string;
  @Field(() => DateTime) periodStart!: Date;
  @Field(() => DateTime) periodEnd!: Date;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A measurable result; when it names a KPI, progress is read from the KPI.' })
export class KeyResult {
  @Field(() => ID) id!: string;
  @Field(() => ID) okrId!: string;
  @Field(() => ID, { nullable: true }) kpiId!: string | null;
  @Field(() => String) description!: string;
  @Field(() => Float) targetValue!: number;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class Review {
  @Field(() => ID) id!: string;
  @Field(() => ReviewKind) kind!: ReviewKind;
  @Field(() => ID, { nullable: true }) useCaseId!: string | null;
  @Field(() => ID, { nullable: true }) squadId!: string | null;
  @Field(() => ID, { nullable: true }) ownerId!: string | null;
  @Field(() => DateTime) dueAt!: Date;
  @Field(() => DateTime, { nullable: true }) heldAt!: Date | null;
  @Field(() => ReviewStatus) status!: ReviewStatus;
  @Field(() => Json, { description: 'Findings, each with an owner and a due date.' }) findings!: unknown;
  @Field(() => Json, { nullable: true, description: 'A maturity review: a score of 1-5 with evidence per dimension.' }) maturity!: unknown;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'An operator or practitioner certification with its expiry.' })
export class Certification {
  @Field(() => ID) id!: string;
  @Field(() => ID) holderId!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) level!: string;
  @Field(() => DateTime) issuedAt!: Date;
  @Field(() => DateTime) expiresAt!: Date;
  @Field(() => ID, { nullable: true }) issuedById!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A stoppage or failure of an asset, and whether AI was involved.' })
export class Incident {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetId!: string;
  @Field(() => ID, { nullable: true, description: 'The insight that foresaw it.' }) insightId!: string | null;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) cause!: string | null;
  @Field(() => Severity) severity!: Severity;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime, { nullable: true }) endedAt!: Date | null;
  @Field(() => Float) downtimeMinutes!: number;
  @Field(() => Boolean) aiRelated!: boolean;
  @Field(() => DateTime) createdAt!: Date;
}
