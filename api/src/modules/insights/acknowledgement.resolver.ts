// Acknowledging an insight from the portal or an integration: by a person with operations:write,
// once, audited; the time counts towards MTTA.
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { acknowledgeInsight } from '@threadline/db/insights/acknowledgement';
import { personOf } from '../../auth/principal.ts';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { requireUuid } from '../../common/errors.ts';
import { Insight } from '../models/models.types.ts';

@Resolver()
export class InsightAcknowledgementResolver {
  @Authorized('operations:write')
  @Mutation(() => Insight, {
    description: 'Acknowledges an insight: who saw it and when (MTTA = acknowledgedAt − raisedAt). CONFLICT when already acknowledged.',
  })
  async acknowledgeInsight(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Insight> {
    const userId = personOf(tenantOf(ctx).principal, 'Acknowledging an insight');
    return domainCommand(ctx, (db, actor, organizationId) =>
      acknowledgeInsight(db, organizationId, requireUuid(id, 'id'), userId, actor, ctx.services.clock.now()),
    );
  }
}
