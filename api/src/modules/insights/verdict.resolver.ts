// Operators' verdicts on insights (true problem, false alarm, unsure) from the portal or an
// integration: by a person with operations:write, changeable, audited; they become labels
// (prisma/src/insights/verdicts.ts).
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { InsightVerdict } from '@threadline/db/client';
import { setInsightVerdict } from '@threadline/db/insights/verdicts';
import { personOf } from '../../auth/principal.ts';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { requireUuid } from '../../common/errors.ts';
import { Insight } from '../models/models.types.ts';

@InputType()
export class InsightVerdictInput {
  @Field(() => ID) insightId!: string;
  @Field(() => InsightVerdict) verdict!: InsightVerdict;
  @Field(() => String, { nullable: true, description: 'What the operator found (at most 2,000 characters).' })
  @MaxLength(2000)
  comment?: string | null;
}

@Resolver()
export class InsightVerdictResolver {
  @Authorized('operations:write')
  @Mutation(() => Insight, {
    description:
      "Records an operator's verdict on an insight: TRUE_PROBLEM, FALSE_ALARM or UNSURE, with a comment. A later verdict replaces it (both audited). Backtests, performance-decay checks, A/B evaluations and retraining label the insight's windows by it.",
  })
  async setInsightVerdict(@Arg('input', () => InsightVerdictInput) input: InsightVerdictInput, @Ctx() ctx: Context): Promise<Insight> {
    const userId = personOf(tenantOf(ctx).principal, 'A verdict');
    const insightId = requireUuid(input.insightId, 'insightId');
    return domainCommand(ctx, (db, actor, organizationId) =>
      setInsightVerdict(db, organizationId, insightId, { verdict: input.verdict, comment: input.comment ?? null }, userId, actor, ctx.services.clock.now()),
    ) as Promise<Insight>;
  }
}
