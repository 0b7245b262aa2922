// UseCase.insightTimings (MTTI with p50 and p95, MTTA apart) per period and UseCase.ttvDays
// (prisma/src/value/insight-timings.ts, ttv.ts; firstValueAt is kept by the value-recompute job).
import { Arg, Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import { insightTimings } from '@threadline/db/value/insight-timings';
import { timeZoneOf } from '@threadline/db/plant/shift-calendar';
import { localDayStart } from '@threadline/db/plant/plant-days';
import { tenantOf, type Context } from '../../context.ts';
import { badInput } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';
import { UseCase } from './value.types.ts';
import { InsightTimings } from './insight-timings.types.ts';

const DAY_MS = 86_400_000;
/** Plant-local days MTTI is taken over unless a period is given. */
const DEFAULT_DAYS = 30;

@Resolver(() => UseCase)
export class InsightTimingsResolver {
  @FieldResolver(() => InsightTimings, {
    description: 'MTTI (mean, p50, p95) and MTTA of the insights raised in [from, to); unless given, the last 30 plant-local days (today included) up to now.',
  })
  async insightTimings(
    @Root() useCase: UseCase,
    @Arg('from', () => DateTime, { nullable: true }) from: Date | null,
    @Arg('to', () => DateTime, { nullable: true }) to: Date | null,
    @Ctx() ctx: Context,
  ): Promise<InsightTimings> {
    const { principal, tenant, loaders } = tenantOf(ctx);
    const end = to ?? ctx.services.clock.now();
    // One look-up of the plant time zone per request, whatever the number of use cases.
    const zone = () => loaders.cached('plantTimeZone', (keys) => timeZoneOf(tenant, principal.organizationId, null).then((z) => keys.map(() => z))).load('');
    const start = from ?? localDayStart(end, await zone(), -(DEFAULT_DAYS - 1));
    if (start >= end) throw badInput('from must be before to.', { field: 'from' });
    // One statement for every use case of the response that asks for the same period.
    const period = loaders.cached(`insightTimings#${start.toISOString()}/${end.toISOString()}`, async (ids: readonly string[]) => {
      const byUseCase = await insightTimings(tenant, principal.organizationId, ids, start, end);
      return ids.map((id) => byUseCase.get(id)!);
    });
    return { from: start, to: end, ...(await period.load(useCase.id)) };
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Time to value in days: firstValueAt − kickoffAt (DESIGN §2); null until first value.' })
  ttvDays(@Root() useCase: UseCase): number | null {
    if (!useCase.kickoffAt || !useCase.firstValueAt) return null;
    return (useCase.firstValueAt.getTime() - useCase.kickoffAt.getTime()) / DAY_MS;
  }
}
