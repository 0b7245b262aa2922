// Corrections of stored telemetry: points that replace the stored ones at the same (signal, time),
// with a reason, audited per signal; the calculated signals they feed are recomputed.
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { appendAuditEvent } from '@threadline/db/audit/audit-log';
import type { Context } from '../../context.ts';
import { tenantOf } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput } from '../../common/errors.ts';
import { IngestResult, TelemetryPointInput } from './telemetry.types.ts';
import { MAX_GRAPHQL_BATCH } from './telemetry.resolver.ts';

@Resolver()
export class CorrectionsResolver {
  @Authorized('telemetry:write')
  @Mutation(() => IngestResult, {
    description: `Replaces stored points at the same (signal, time) with these (up to ${MAX_GRAPHQL_BATCH}), e.g. readings taken again after a calibration; bad points are reported with their index and reason. The calculated signals they feed are recomputed. Audited per signal as signal.telemetry_corrected with the reason.`,
  })
  async correctTelemetry(
    @Arg('points', () => [TelemetryPointInput]) points: TelemetryPointInput[],
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: Context,
  ): Promise<IngestResult> {
    if (points.length > MAX_GRAPHQL_BATCH) throw badInput(`A batch may hold at most ${MAX_GRAPHQL_BATCH} points; split it.`);
    if (reason.trim().length < 1 || reason.length > 500)
      throw badInput('reason has 1 to 500 characters: say why the readings are corrected.', { field: 'reason' });
    const result = await ctx.services.directWrites.correct(tenantOf(ctx).principal.organizationId, points);
    const refused = new Set(result.rejected.map((r) => r.index));
    const bySignal = new Map<string, string[]>();
    points.forEach((p, i) => {
      if (!refused.has(i)) bySignal.set(p.signalId, [...(bySignal.get(p.signalId) ?? []), new Date(p.time).toISOString()].sort());
    });
    await domainCommand(ctx, async (db, actor, organizationId) => {
      for (const [signalId, times] of bySignal) {
        await appendAuditEvent(db, {
          organizationId,
          type: 'signal.telemetry_corrected',
          actor,
          subjectType: 'signal',
          subjectId: signalId,
          payload: { points: times.length, from: times[0]!, to: times.at(-1)!, reason },
        });
      }
    });
    return result;
  }
}
