// A signal's rollup buckets as a field, so a page reads an asset, its signals and their charts in
// one request.
import { Arg, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.ts';
import { readTelemetry } from './telemetry-reads.ts';
import { DateTime } from '../../common/scalars.ts';
import { Signal } from '../plant/plant.types.ts';
import { checkRange } from './telemetry.resolver.ts';
import { QUALITY_RULE, RollupWidthName, TelemetryBucket } from './telemetry.types.ts';

@Resolver(() => Signal)
export class SignalSeriesResolver {
  @Authorized('read')
  @FieldResolver(() => [TelemetryBucket], { description: 'Rollup buckets (1 minute, 1 hour, 1 day) of this signal in [from, to), as telemetrySeries.' })
  series(
    @Root() signal: Signal,
    @Arg('width', () => RollupWidthName) width: RollupWidthName,
    @Arg('from', () => DateTime) from: Date,
    @Arg('to', () => DateTime) to: Date,
    @Arg('includeAllQualities', () => Boolean, { defaultValue: false, description: QUALITY_RULE }) includeAllQualities: boolean,
    @Ctx() ctx: Context,
  ): Promise<TelemetryBucket[]> {
    checkRange(from, to);
    return readTelemetry(ctx, (queries, organizationId) => queries.series(organizationId, signal.id, from, to, width, includeAllQualities));
  }
}
