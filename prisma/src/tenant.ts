// Scopes a Prisma client to one organisation: every read filters on it and every write stamps it,
// so no query or mutation built on the scoped client reaches another tenant's rows. Composite
// foreign keys (organization_id, id) make the database refuse cross-tenant links as well.
import type { PrismaClient } from './client.ts';

const WHERE_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
  'upsert',
]);
const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn']);

type Args = Record<string, unknown> & { where?: object; data?: unknown; create?: object; update?: object };

function stamp(data: unknown, organizationId: string): unknown {
  if (Array.isArray(data)) return data.map((row) => stamp(row, organizationId));
  return { ...(data as object), organizationId };
}

/** A copy of update data without organizationId: moving a row to another tenant is never allowed. */
function unstamp(data: unknown): object | undefined {
  if (!data || typeof data !== 'object') return data as undefined;
  const { organizationId: _ignored, ...rest } = data as Record<string, unknown>;
  return rest;
}

export function scopeArgs(model: string, operation: string, args: Args, organizationId: string): Args {
  const key = model === 'Organization' ? 'id' : 'organizationId';
  const scoped: Args = { ...args };
  if (WHERE_OPERATIONS.has(operation)) scoped.where = { ...(args.where ?? {}), [key]: organizationId };
  if (model === 'Organization') return scoped;
  if (CREATE_OPERATIONS.has(operation)) scoped.data = stamp(args.data, organizationId);
  if (operation.startsWith('update')) scoped.data = unstamp(args.data);
  if (operation === 'upsert') {
    scoped.create = stamp(args.create, organizationId) as object;
    scoped.update = unstamp(args.update);
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
