// The audit trail in GraphQL: a filtered, paginated list and a full verification of the chain.
import type { ClassType } from 'type-graphql';
import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { verifyAuditChain } from '@threadline/db/audit/audit-log';
import { tenantOf, type Context } from '../../context.ts';
import { entityResolvers } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { AuditCheckpoint, AuditCheckpointFilter, AuditEvent, AuditEventFilter, ChainVerification, type ChainBreakReason } from './audit.types.ts';

@Resolver()
export class GovernanceResolver {
  @Authorized('read')
  @Query(() => ChainVerification, { description: "Recomputes your organisation's audit chain against its signed checkpoints and names the first broken link." })
  async verifyAuditChain(@Ctx() ctx: Context): Promise<ChainVerification> {
    const { principal } = tenantOf(ctx);
    const result = await verifyAuditChain(ctx.services.db.pool, principal.organizationId, ctx.services.auditKeys.trusted);
    return {
      ...result,
      firstBroken: result.firstBroken ? { ...result.firstBroken, reason: result.firstBroken.reason as ChainBreakReason } : null,
      verifiedAt: ctx.services.clock.now(),
    };
  }
}

export const governanceResolvers: ClassType[] = [
  GovernanceResolver,
  ...entityResolvers({
    name: 'AuditEvent',
    model: 'AuditEvent',
    subject: 'organization',
    node: () => AuditEvent,
    list: 'auditEvents',
    single: 'auditEvent',
    orderKey: 'seq',
    filter: AuditEventFilter,
    toWhere: (f) => whereOf(f, { time: 'occurredAt' }),
  }),
  ...entityResolvers({
    name: 'AuditCheckpoint',
    model: 'AuditCheckpoint',
    subject: 'organization',
    node: () => AuditCheckpoint,
    list: 'auditCheckpoints',
    single: 'auditCheckpoint',
    orderKey: 'seq',
    filter: AuditCheckpointFilter,
    toWhere: (f) => whereOf(f),
  }),
];
