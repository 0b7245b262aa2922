// Telemetry in GraphQL: batch ingest for integrators and raw points of a signal over a range.
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { PointRow } from '@threadline/db/telemetry/queries';
import { parseRfc3339 } from '@threadline/db/rfc3339';
import { MAX_AGGREGATE_BUCKETS } from '../../security/read-cost.ts';
import { readTelemetry } from './telemetry-reads.ts';
import { tenantOf, type Context } from '../../context.ts';
import { badInput, notFound, requireUuid } from '../../common/errors.ts';
import { QUALITY_NAMES } from '@threadline/db/telemetry/point-rules';
import { PlantEventInput } from './events.types.ts';
import { part13Aggregates } from '@threadline/db/telemetry/part13';
import {
  HierarchyBucket,
  HierarchyInput,
  IngestResult,
  LatestValue,
  Part13Bucket,
  Part13Input,
  SeriesInput,
  TelemetryBucket,
  TelemetryPoint,
  TelemetryPointInput,
  TelemetryPointPage,
  type TelemetryQuality,
  TelemetryPageRange,
  TelemetryRange,
  MAX_POINTS_PER_READ,
} from './telemetry.types.ts';

const MAX_RANGE_MS = 400 * 86_400_000;
const MAX_RAW_POINTS = 2_000_000;

export function checkRange(from: Date, to: Date): void {
  if (to <= from) throw badInput('to must be after from.', { field: 'to' });
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw badInput('A range may span at most 400 days; use a coarser width or several requests.', { field: 'from' });
}

/** Raw points of a signal in the range, after the point at `after`, within the request's read budget. */
async function readPoints(ctx: Context, range: TelemetryPageRange, limit: number, after: Date | null): Promise<PointRow[]> {
  if (!(await tenantOf(ctx).loaders.byId('Signal').load(requireUuid(range.signalId, 'signalId')))) throw notFound('Signal', range.signalId);
  checkRange(range.from, range.to);
  return readTelemetry(ctx, (queries, organizationId) => queries.points(organizationId, range.signalId, range.from, range.to, limit, after));
}

const pointOf = (p: PointRow): TelemetryPoint => ({ ...p, quality: QUALITY_OF[p.quality]! });

/** GraphQL batches are smaller than HTTP bulk ones: the whole document is parsed and validated. */
export const MAX_GRAPHQL_BATCH = 10_000;
const QUALITY_OF = Object.fromEntries(Object.entries(QUALITY_NAMES).map(([name, code]) => [code, name as TelemetryQuality]));

@Resolver()
export class TelemetryResolver {
  @Authorized('telemetry:write')
  @Mutation(() => IngestResult, { description: `Stores up to ${MAX_GRAPHQL_BATCH} plant events; bad ones are reported with their index and reason.` })
  async ingestEvents(@Arg('events', () => [PlantEventInput]) events: PlantEventInput[], @Ctx() ctx: Context): Promise<IngestResult> {
    if (events.length > MAX_GRAPHQL_BATCH) throw badInput(`A batch may hold at most ${MAX_GRAPHQL_BATCH} events; split it or use POST /ingest/events.`);
    return ctx.services.events.ingest(tenantOf(ctx).principal.organizationId, events);
  }

  @Authorized('telemetry:write')
  @Mutation(() => IngestResult, {
    description: `Stores up to ${MAX_GRAPHQL_BATCH} points. Bad points are reported with their index and reason; the rest are stored. Telemetry is data, not a decision: it is not written to the audit trail.`,
  })
  async ingestTelemetry(@Arg('points', () => [TelemetryPointInput]) points: TelemetryPointInput[], @Ctx() ctx: Context): Promise<IngestResult> {
    if (points.length > MAX_GRAPHQL_BATCH) throw badInput(`A batch may hold at most ${MAX_GRAPHQL_BATCH} points; split it or use POST /ingest/telemetry.`);
    return ctx.services.ingest.ingest(tenantOf(ctx).principal.organizationId, points, undefined, 'graphql');
  }

  @Authorized('read')
  @Query(() => [TelemetryPoint], {
    description: `Raw points of one signal in [from, to), oldest first: at most range.limit (1 to ${MAX_POINTS_PER_READ}). To read more, page with telemetryPage.`,
  })
  async telemetry(@Arg('range', () => TelemetryRange) range: TelemetryRange, @Ctx() ctx: Context): Promise<TelemetryPoint[]> {
    return (await readPoints(ctx, range, range.limit, null)).map(pointOf);
  }

  @Authorized('read')
  @Query(() => TelemetryPointPage, {
    description: `Raw points of one signal in [from, to), oldest first, a page at a time (first: 1 to ${MAX_POINTS_PER_READ}); pass pageInfo.endCursor as after for the next page.`,
  })
  async telemetryPage(
    @Arg('range', () => TelemetryPageRange) range: TelemetryPageRange,
    @Arg('first', () => Int, { defaultValue: 1_000 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<TelemetryPointPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_POINTS_PER_READ) throw badInput(`first must be 1 to ${MAX_POINTS_PER_READ}.`, { field: 'first' });
    const from = after === null ? null : parseRfc3339(after);
    if (after !== null && !from) throw badInput('after must be the endCursor of the previous page.', { field: 'after' });
    const rows = await readPoints(ctx, range, first + 1, from);
    const nodes = rows.slice(0, first).map(pointOf);
    return { nodes, pageInfo: { hasNextPage: rows.length > first, endCursor: nodes.at(-1)?.time.toISOString() ?? after } };
  }

  @Authorized('read')
  @Query(() => [TelemetryBucket], { description: 'Rollup buckets (1 minute, 1 hour, 1 day) of one signal in [from, to).' })
  async telemetrySeries(@Arg('input', () => SeriesInput) input: SeriesInput, @Ctx() ctx: Context): Promise<TelemetryBucket[]> {
    checkRange(input.from, input.to);
    return readTelemetry(ctx, (queries, organizationId) =>
      queries.series(organizationId, input.signalId, input.from, input.to, input.width, input.includeAllQualities),
    );
  }

  @Authorized('read')
  @Query(() => [Part13Bucket], { description: 'Time-weighted average, percent good, time in state and transition count per bucket, from raw points.' })
  async telemetryAggregates(@Arg('input', () => Part13Input) input: Part13Input, @Ctx() ctx: Context): Promise<Part13Bucket[]> {
    checkRange(input.from, input.to);
    const from = input.from.getTime();
    const to = input.to.getTime();
    const widthMs = input.bucketSeconds * 1000;
    if ((to - from) / widthMs > MAX_AGGREGATE_BUCKETS)
      throw badInput(`At most ${MAX_AGGREGATE_BUCKETS} buckets per request; widen bucketSeconds.`, { field: 'bucketSeconds' });
    const samples = await readTelemetry(ctx, (queries, organizationId) =>
      queries.samples(organizationId, input.signalId, input.from, input.to, MAX_RAW_POINTS),
    );
    return part13Aggregates(samples, from, to, widthMs, { state: input.state ?? null, includeAllQualities: input.includeAllQualities }).map((b) => ({
      bucket: new Date(b.start),
      timeWeightedAverage: b.timeWeightedAverage,
      percentGood: b.percentGood,
      timeInStateSeconds: b.timeInStateMs / 1000,
      transitionCount: b.transitionCount,
    }));
  }

  @Authorized('read')
  @Query(() => [LatestValue], { description: 'The newest point of each signal of an asset.' })
  async latestValues(@Arg('assetId', () => ID) assetId: string, @Ctx() ctx: Context): Promise<LatestValue[]> {
    const latest = await readTelemetry(ctx, (queries, organizationId) => queries.latest(organizationId, requireUuid(assetId, 'assetId')));
    return latest.map((p) => ({ ...p, quality: QUALITY_OF[p.quality]! }));
  }

  @Authorized('read')
  @Query(() => [HierarchyBucket], { description: 'Rollups of every signal with one name, per asset, line or site, from sums and counts.' })
  async telemetryRollup(@Arg('input', () => HierarchyInput) input: HierarchyInput, @Ctx() ctx: Context): Promise<HierarchyBucket[]> {
    checkRange(input.from, input.to);
    return readTelemetry(ctx, (queries, organizationId) =>
      queries.hierarchy(organizationId, input.level, input.signalName, input.from, input.to, input.width, input.includeAllQualities),
    );
  }
}
