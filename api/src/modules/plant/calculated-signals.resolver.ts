// Calculated signals after their expression changed: recalculateSignal recomputes one over a past
// range from its stored inputs (arriving points recompute it on their own), audited.
import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { appendAuditEvent } from '@threadline/db/audit/audit-log';
import type { Context } from '../../context.ts';
import { tenantOf } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput } from '../../common/errors.ts';
import { RecalculateSignalInput } from './plant.inputs.ts';

/** The longest range one call recomputes. */
const MAX_RECALCULATION_DAYS = 31;

@Resolver()
export class CalculatedSignalsResolver {
  @Authorized('plant:write')
  @Mutation(() => Int, {
    description: `Recomputes a CALCULATED signal over [from, to) (at most ${MAX_RECALCULATION_DAYS} days) from its inputs' stored points, and what is calculated from it; returns the values changed. Audited as signal.recalculated.`,
  })
  async recalculateSignal(@Arg('input', () => RecalculateSignalInput) input: RecalculateSignalInput, @Ctx() ctx: Context): Promise<number> {
    if (input.to <= input.from) throw badInput('to must be after from.', { field: 'to' });
    if (input.to.getTime() - input.from.getTime() > MAX_RECALCULATION_DAYS * 86_400_000)
      throw badInput(`A recalculation spans at most ${MAX_RECALCULATION_DAYS} days; recalculate in several calls.`, { field: 'from' });
    const { principal } = tenantOf(ctx);
    const changed = await ctx.services.directWrites.recalculate(principal.organizationId, input.signalId, input.from, input.to);
    if (changed === null) throw badInput('signalId is not a CALCULATED signal of your organisation.', { field: 'signalId' });
    return domainCommand(ctx, async (db, actor, organizationId) => {
      await appendAuditEvent(db, {
        organizationId,
        type: 'signal.recalculated',
        actor,
        subjectType: 'signal',
        subjectId: input.signalId,
        payload: { from: input.from.toISOString(), to: input.to.toISOString(), changed: changed.length },
      });
      return changed.length;
    });
  }
}
