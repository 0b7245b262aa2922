// The programme's rhythm in GraphQL: holding a review (findings with owners; a maturity review's
// scores per dimension), key results' progress read from their KPIs, certification status by
// expiry, and the roles a squad lacks (prisma/src/people/review-rhythm.ts).
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, InputType, Int, Mutation, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { IsOptional, IsUUID } from 'class-validator';
import { SquadRole } from '@threadline/db/client';
import { holdReview, MATURITY_DIMENSIONS, reviewOutcomeSchema } from '@threadline/db/people/review-rhythm';
import { windowAverage } from '@threadline/db/value/roi';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput, requireUuid } from '../../common/errors.ts';
import { Json } from '../../common/scalars.ts';
import type { Kpi, KpiMeasurement } from '../value/value.types.ts';
import { Certification, KeyResult, Review, Squad, type SquadMember } from './people.types.ts';

const DAY_MS = 86_400_000;
/** A certification expiring within this many days is EXPIRING. */
export const CERTIFICATION_WARNING_DAYS = 30;

export enum CertificationStatus {
  VALID = 'VALID',
  EXPIRING = 'EXPIRING',
  EXPIRED = 'EXPIRED',
}
registerEnumType(CertificationStatus, { name: 'CertificationStatus', description: `EXPIRING within ${CERTIFICATION_WARNING_DAYS} days.` });

@InputType()
export class ReviewOutcomeInput {
  @Field(() => ID) @IsUUID() reviewId!: string;
  @Field(() => Json, { description: 'A list of { finding, ownerId, dueAt }.' }) findings!: unknown;
  @Field(() => Json, {
    nullable: true,
    description: `A maturity review: [{ dimension, score (1-5), evidence }] for each of ${MATURITY_DIMENSIONS.join(', ')}.`,
  })
  @IsOptional()
  maturity?: unknown;
}

@ObjectType({ description: "A key result read from its KPI: the window average against the key result's target, from the KPI's baseline." })
export class KeyResultProgress {
  @Field(() => Float, { nullable: true }) current!: number | null;
  @Field(() => Float) baseline!: number;
  @Field(() => Float) target!: number;
  @Field(() => Float, { nullable: true, description: '0-1: (current − baseline) / (target − baseline), clamped.' }) progress!: number | null;
  @Field(() => Boolean) met!: boolean;
}

@Resolver()
export class ReviewResolver {
  @Authorized('operations:write')
  @Mutation(() => Review, {
    description: 'Holds a scheduled or missed review: its findings, each with an owner and a due date, and for a maturity review a score per dimension.',
  })
  async completeReview(@Arg('input', () => ReviewOutcomeInput) input: ReviewOutcomeInput, @Ctx() ctx: Context): Promise<Review> {
    const parsed = reviewOutcomeSchema.safeParse({ findings: input.findings, maturity: input.maturity ?? undefined });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badInput(`${issue.path.join('.')}: ${issue.message}`, { field: String(issue.path[0] ?? 'findings') });
    }
    await domainCommand(ctx, (db, actor, organizationId) => holdReview(db, organizationId, requireUuid(input.reviewId, 'reviewId'), parsed.data, actor));
    // holdReview refused a review that is not the organisation's; this one exists.
    return (await tenantOf(ctx).tenant.review.findFirst({ where: { id: input.reviewId } }))!;
  }
}

@Resolver(() => Review)
export class ReviewFieldsResolver {
  @FieldResolver(() => Float, { nullable: true, description: 'Mean maturity score (1-5) of a held maturity review.' })
  maturityLevel(@Root() review: Review): number | null {
    const scores = Array.isArray(review.maturity) ? (review.maturity as { score: number }[]).map((m) => m.score) : [];
    return scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
  }
}

@Resolver(() => KeyResult)
export class KeyResultProgressResolver {
  @FieldResolver(() => KeyResultProgress, { nullable: true, description: "Progress read from the tracked KPI's measurements; null when it tracks none." })
  async progress(@Root() kr: KeyResult, @Ctx() ctx: Context): Promise<KeyResultProgress | null> {
    if (!kr.kpiId) return null;
    const { loaders } = tenantOf(ctx);
    const kpi = (await loaders.byId('Kpi').load(kr.kpiId)) as unknown as Kpi | null;
    if (!kpi) return null;
    const measurements = (await loaders.manyBy('KpiMeasurement', 'kpiId', 'measuredAt').load(kpi.id)) as unknown as KpiMeasurement[];
    const current = windowAverage(
      measurements.map((m) => ({ at: m.measuredAt, value: m.value })),
      ctx.services.clock.now(),
      kpi.windowDays,
    );
    const span = kr.targetValue - kpi.baseline;
    const progress = current === null ? null : span === 0 ? 1 : Math.min(1, Math.max(0, (current - kpi.baseline) / span));
    const met = current !== null && (kpi.direction === 'LOWER_IS_BETTER' ? current <= kr.targetValue : current >= kr.targetValue);
    return { current, baseline: kpi.baseline, target: kr.targetValue, progress, met };
  }
}

@Resolver(() => Certification)
export class CertificationStatusResolver {
  @FieldResolver(() => CertificationStatus)
  status(@Root() cert: Certification, @Ctx() ctx: Context): CertificationStatus {
    const days = (cert.expiresAt.getTime() - ctx.services.clock.nowMs()) / DAY_MS;
    return days <= 0 ? CertificationStatus.EXPIRED : days <= CERTIFICATION_WARNING_DAYS ? CertificationStatus.EXPIRING : CertificationStatus.VALID;
  }

  @FieldResolver(() => Int, { description: 'Whole days until expiry (negative once expired).' })
  daysToExpiry(@Root() cert: Certification, @Ctx() ctx: Context): number {
    return Math.floor((cert.expiresAt.getTime() - ctx.services.clock.nowMs()) / DAY_MS);
  }
}

@Resolver(() => Squad)
export class SquadRolesResolver {
  @FieldResolver(() => [SquadRole], {
    description: 'Roles of a cross-functional squad (OT, IT, data science, operations, security, domain expert) no member holds.',
  })
  async missingRoles(@Root() squad: Squad, @Ctx() ctx: Context): Promise<SquadRole[]> {
    const members = (await tenantOf(ctx).loaders.manyBy('SquadMember', 'squadId', 'joinedAt').load(squad.id)) as unknown as SquadMember[];
    return Object.values(SquadRole).filter((role) => !members.some((m) => m.role === role));
  }
}

export const rhythmResolvers = [ReviewResolver, ReviewFieldsResolver, KeyResultProgressResolver, CertificationStatusResolver, SquadRolesResolver];
