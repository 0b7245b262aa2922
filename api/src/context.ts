// The per-request context: who is calling, their organisation's scoped client and loaders, and
// the process-wide services.
import type { FastifyBaseLogger } from 'fastify';
import type { TenantPrisma } from '@threadline/db/tenant';
import type { PrismaClient } from '@threadline/db/client';
import { callerKey, type Principal } from './auth/principal.ts';
import type { Services } from './services.ts';
import type { ReadBudget } from './security/read-gate.ts';
import { Loaders } from './common/loaders.ts';
import { scopeToOrganization } from '@threadline/db/tenant';
import { unauthenticated } from './common/errors.ts';

export interface Context {
  requestId: string;
  log: FastifyBaseLogger;
  services: Services;
  principal: Principal | null;
  /** The time and share the request's expensive reads get (security/read-gate.ts). */
  readBudget: ReadBudget;
  /** The caller's network address (X-Forwarded-For from a trusted proxy, TRUST_PROXY). */
  sourceAddress: string | null;
  scoped: { tenant: TenantPrisma; loaders: Loaders } | null;
}

export function buildContext(
  services: Services,
  principal: Principal | null,
  request: { id: string; log: FastifyBaseLogger; ip?: string | undefined },
): Context {
  const scoped = principal ? scopedOn(services.db.prisma, principal.organizationId) : null;
  const readBudget = services.reads.budgetFor(callerKey(principal));
  return { requestId: request.id, log: request.log, services, principal, readBudget, sourceAddress: request.ip ?? null, scoped };
}

/** An organisation's scoped client (and loaders) on one database. */
export function scopedOn(prisma: PrismaClient, organizationId: string): NonNullable<Context['scoped']> {
  const tenant = scopeToOrganization(prisma, organizationId);
  return { tenant, loaders: new Loaders(tenant) };
}

/** The caller and their scoped client, or UNAUTHENTICATED. */
export function tenantOf(ctx: Context): { principal: Principal; tenant: TenantPrisma; loaders: Loaders } {
  if (!ctx.principal || !ctx.scoped) throw unauthenticated();
  return { principal: ctx.principal, ...ctx.scoped };
}
