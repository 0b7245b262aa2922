// The pipeline's health and its traces (issue 23; prisma/src/observability/): the outbox, each
// deployment's drift, each edge agent's heartbeat, and the live processes' samples, for the
// caller's organisation; traces by id (W3C trace id, 32 hex digits) and the most recent ones, for
// administrators: spans are the operators' data, ids and timings of every organisation, no values.
import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { rawSqlOf } from '@threadline/db/sql';
import { pipelineHealth } from '@threadline/db/observability/pipeline-health';
import { recentTraces, traceSpans } from '@threadline/db/observability/span-store';
import { tenantOf, type Context } from '../../context.ts';
import { badInput } from '../../common/errors.ts';
import { PipelineHealthType, TraceSpanType, TraceSummaryType } from './pipeline-health.types.ts';

@Resolver()
export class PipelineHealthResolver {
  @Authorized('read')
  @Query(() => PipelineHealthType, { description: "The pipeline's health: outbox, drift per deployment, edge agents, and the live processes' metrics." })
  async pipelineHealth(@Ctx() ctx: Context): Promise<PipelineHealthType> {
    return pipelineHealth(rawSqlOf(ctx.services.db.pool), tenantOf(ctx).principal.organizationId);
  }

  @Authorized('access:admin')
  @Query(() => [TraceSpanType], { description: "A trace's spans in start order (sampled traces only), with spans of other traces that continue it." })
  async trace(@Arg('traceId', () => String) traceId: string, @Ctx() ctx: Context): Promise<TraceSpanType[]> {
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw badInput('traceId is 32 lower-case hex digits (the trace id of a W3C traceparent).', { field: 'traceId' });
    return traceSpans(rawSqlOf(ctx.services.db.pool), traceId);
  }

  @Authorized('access:admin')
  @Query(() => [TraceSummaryType], { description: 'The newest sampled traces of the last day.' })
  async recentTraces(@Arg('limit', () => Int, { defaultValue: 20 }) limit: number, @Ctx() ctx: Context): Promise<TraceSummaryType[]> {
    if (limit < 1 || limit > 200) throw badInput('limit lies between 1 and 200.', { field: 'limit' });
    return recentTraces(rawSqlOf(ctx.services.db.pool), limit);
  }
}
