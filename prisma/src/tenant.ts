// Scopes a Prisma client to one organisation: every read filters on it and every write stamps it,
// so no query or mutation built on the scoped client reaches another tenant's rows. Composite
// foreign keys (organization_id, id) make the database refuse cross-tenant links as well.
import type { PrismaClient } from './client.ts';

const WHERE_OPERATIONS = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count',
  'aggregate', 'groupBy', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert',
]);
const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn']);

type Args = Record<string, unknown> & { where?: object; data?: unknown; create?: object };

function stamp(data: unknown, organizationId: string): unknown {
  if (Array.isArray(data)) return data.map((row) => stamp(row, organizationId));
  return { ...(data as object), organizationId };
}

export function scopeArgs(model: string, operation: string, args: Args, organizationId: string): Args {
  const key = model === 'Organization' ? 'id' : 'organizationId';
  const scoped: Args = { ...args };
  if (WHERE_OPERATIONS.has(operation)) scoped.where = { ...(args.where ?? {}), [key]: organizationId };
  if (model === 'Organization') return scoped;
  if (CREATE_OPERATIONS.has(operation)) scoped.data = stamp(args.data, organizationId);
  if (operation === 'upsert') scoped.create = stamp(args.create, organizationId) as object;
  if (operation.startsWith('update') || operation === 'upsert') {
    // Moving a row to another tenant is never allowed.
    if (scoped.data && typeof scoped.data === 'object') delete (scoped.data as Record<string, unknown>).organizationId;
  }
  return scoped;
}

export function scopeToOrganization(prisma: PrismaClient, organizationId: string) {
  return prisma.$extends({
    name: 'tenant-scope',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          return query(scopeArgs(model, operation, args as Args, organizationId));
        },
      },
    },
  });
}

export type TenantPrisma = ReturnType<typeof scopeToOrganization>;
