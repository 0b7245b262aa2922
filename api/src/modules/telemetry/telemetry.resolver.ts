// Telemetry in GraphQL: batch ingest for integrators and raw points of a signal over a range.
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { tenantOf, type Context } from '../../context.ts';
import { badInput, notFound } from '../../common/errors.ts';
import { QUALITY_NAMES } from '@threadline/db/telemetry/point-rules';
import { IngestResult, TelemetryPoint, TelemetryPointInput, type TelemetryQuality, TelemetryRange } from './telemetry.types.ts';

/** GraphQL batches are smaller than HTTP bulk ones: the whole document is parsed and validated. */
export const MAX_GRAPHQL_BATCH = 10_000;
const QUALITY_OF = Object.fromEntries(Object.entries(QUALITY_NAMES).map(([name, code]) => [code, name as TelemetryQuality]));

@Resolver()
export class TelemetryResolver {
  @Authorized('telemetry:write')
  @Mutation(() => IngestResult, {
    description: `Stores up to ${MAX_GRAPHQL_BATCH} points. Bad points are reported with their index and reason; the rest are stored. Telemetry is data, not a decision: it is not written to the audit trail.`,
  })
  async ingestTelemetry(@Arg('points', () => [TelemetryPointInput]) points: TelemetryPointInput[], @Ctx() ctx: Context): Promise<IngestResult> {
    if (points.length > MAX_GRAPHQL_BATCH) throw badInput(`A batch may hold at most ${MAX_GRAPHQL_BATCH} points; split it or use POST /ingest/telemetry.`);
    return ctx.services.ingest.ingest(tenantOf(ctx).principal.organizationId, points);
  }

  @Authorized('read')
  @Query(() => [TelemetryPoint], { description: 'Raw points of one signal in [from, to), oldest first.' })
  async telemetry(@Arg('range', () => TelemetryRange) range: TelemetryRange, @Ctx() ctx: Context): Promise<TelemetryPoint[]> {
    const { loaders } = tenantOf(ctx);
    if (!(await loaders.byId('Signal').load(range.signalId))) throw notFound('Signal', range.signalId);
    if (range.to <= range.from) throw badInput('to must be after from.', { field: 'to' });
    const points = await ctx.services.telemetry.read(range.signalId, range.from, range.to, range.limit);
    return points.map((p) => ({ ...p, quality: QUALITY_OF[p.quality]! }));
  }
}
