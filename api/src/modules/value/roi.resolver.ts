// UseCase.roi: projected (from targets, over a planning horizon) and realised (from measurements,
// kickoff to now) figures, with the KPIs and cost items behind them (prisma/src/value/roi.ts).
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { RoiBasis } from '@threadline/db/client';
import { MAX_MONTHS, roiNow } from '@threadline/db/value/roi';
import { tenantOf, type Context } from '../../context.ts';
import { badInput } from '../../common/errors.ts';
import { UseCase, type CostItem, type Kpi, type KpiMeasurement } from './value.types.ts';
import { RoiFigures } from './roi.types.ts';

@Resolver(() => UseCase)
export class RoiResolver {
  @FieldResolver(() => RoiFigures, {
    nullable: true,
    description:
      'ROI, payback and NPV (DESIGN §2): PROJECTED from targets over `months` (36 unless given), REALISED from measurements from kickoff to now. Null until the use case has a kickoff.',
  })
  async roi(
    @Root() useCase: UseCase,
    @Arg('basis', () => RoiBasis) basis: RoiBasis,
    @Arg('months', () => Int, { nullable: true }) months: number | null,
    @Ctx() ctx: Context,
  ): Promise<RoiFigures | null> {
    if (months !== null && (months < 1 || months > MAX_MONTHS)) throw badInput(`months lies between 1 and ${MAX_MONTHS}.`, { field: 'months' });
    if (!useCase.kickoffAt) return null;
    // Batched per request (DataLoader): a list of use cases costs the same few statements as one.
    const { loaders } = tenantOf(ctx);
    const [kpis, costs] = await Promise.all([
      loaders.manyBy('Kpi', 'useCaseId').load(useCase.id) as unknown as Promise<Kpi[]>,
      loaders.manyBy('CostItem', 'useCaseId').load(useCase.id) as unknown as Promise<CostItem[]>,
    ]);
    const measurements =
      basis === RoiBasis.REALISED
        ? await Promise.all(kpis.map((k) => loaders.manyBy('KpiMeasurement', 'kpiId', 'measuredAt').load(k.id) as unknown as Promise<KpiMeasurement[]>))
        : kpis.map(() => []);
    return roiNow(
      {
        kickoffAt: useCase.kickoffAt,
        discountRateAnnual: useCase.discountRateAnnual,
        kpis: kpis.map((k, i) => ({ ...k, measurements: measurements[i]!.map((m) => ({ at: m.measuredAt, value: m.value })) })),
        costs,
      },
      basis,
      ctx.services.clock.now(),
      months ?? undefined,
    );
  }
}
