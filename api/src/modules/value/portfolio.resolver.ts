// The portfolio in GraphQL: ROI across use cases (prisma/src/value/portfolio.ts), the use cases
// ranked by their prioritisation score with each factor's share (priority.ts), and a recompute of
// computed KPIs, gates, first values and ROI snapshots on demand (the workers do it on a schedule).
import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RoiBasis } from '@threadline/db/client';
import { portfolioRoi } from '@threadline/db/value/portfolio';
import { startedUseCaseFigures } from '@threadline/db/value/portfolio-figures';
import { priorityScore } from '@threadline/db/value/priority';
import { recomputeValue } from '@threadline/db/value/recompute';
import { MAX_MONTHS, roiNow } from '@threadline/db/value/roi';
import { loadValueInputs } from '@threadline/db/value/value-inputs';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput } from '../../common/errors.ts';
import { PortfolioRoi, UseCaseRank, ValueRecompute, type PriorityFactorName } from './portfolio.types.ts';
import type { UseCase } from './value.types.ts';

async function useCasesOf(ctx: Context, ids: string[]): Promise<Map<string, UseCase>> {
  const rows = await tenantOf(ctx).tenant.useCase.findMany({ where: { id: { in: ids } } });
  return new Map(rows.map((u) => [u.id, u]));
}

@Resolver()
export class PortfolioResolver {
  @Authorized('read')
  @Query(() => PortfolioRoi, {
    description:
      'ROI of every use case with a kickoff, added up by calendar month: PROJECTED over `months` (36 unless given) from each kickoff, REALISED to now. Served from the stored ROI snapshots where they were made from the current inputs (see `asOf`), computed afresh otherwise.',
  })
  async portfolioRoi(
    @Arg('basis', () => RoiBasis) basis: RoiBasis,
    @Arg('months', () => Int, { nullable: true }) months: number | null,
    @Ctx() ctx: Context,
  ): Promise<PortfolioRoi> {
    if (months !== null && (months < 1 || months > MAX_MONTHS)) throw badInput(`months lies between 1 and ${MAX_MONTHS}.`, { field: 'months' });
    const { principal, tenant, loaders } = tenantOf(ctx);
    const { useCases, asOf } = await startedUseCaseFigures(tenant, principal.organizationId, basis, ctx.services.clock.now(), months ?? undefined);
    const rows = (await loaders.byId('UseCase').loadMany(useCases.map((u) => u.useCaseId))) as (UseCase | null | Error)[];
    return {
      basis,
      asOf,
      ...portfolioRoi(useCases.map((u) => u.figures)),
      useCases: useCases.flatMap(({ figures }, i) => {
        const useCase = rows[i];
        if (!useCase || useCase instanceof Error) return [];
        const { roi, npv, cumulativeBenefit, cumulativeCost, paybackMonth } = figures;
        return [{ useCase, roi, npv, cumulativeBenefit, cumulativeCost, paybackMonth }];
      }),
    };
  }

  @Authorized('read')
  @Query(() => [UseCaseRank], { description: 'Use cases (not retired) ranked by their prioritisation score, each with the factors behind it.' })
  async useCaseRanking(@Ctx() ctx: Context): Promise<UseCaseRank[]> {
    const { principal, tenant } = tenantOf(ctx);
    const now = ctx.services.clock.now();
    const candidates = (await loadValueInputs(tenant, principal.organizationId)).filter((u) => u.status !== 'RETIRED');
    const rows = await useCasesOf(
      ctx,
      candidates.map((u) => u.id),
    );
    return candidates
      .map((u) => {
        // A use case not kicked off yet is projected as if it started now.
        const projected = roiNow({ ...u, kickoffAt: u.kickoffAt ?? now }, 'PROJECTED', now);
        const { score, factors } = priorityScore({
          projectedRoi: projected.roi,
          dataReadiness: u.dataReadiness,
          stakeholderAlignment: u.stakeholderAlignment,
          riskLevel: u.riskLevel,
        });
        return { useCase: rows.get(u.id)!, score, factors: factors.map((f) => ({ ...f, factor: f.factor as PriorityFactorName })) };
      })
      .sort((a, b) => b.score - a.score || a.useCase.name.localeCompare(b.useCase.name))
      .map((r, i) => ({ rank: i + 1, ...r }));
  }

  @Authorized('usecase:write')
  @Mutation(() => ValueRecompute, {
    description: "Recomputes computed KPIs (the last 7 days), running waves' gates, first values and ROI snapshots now, as the value-recompute job does.",
  })
  async recomputeBusinessValue(@Ctx() ctx: Context): Promise<ValueRecompute> {
    return domainCommand(ctx, (db, _actor, organizationId) => recomputeValue(db, organizationId, ctx.services.clock.now()));
  }
}
