// Generic, tenant-scoped access to one Prisma model by name, and keyset pages over it. The
// entity resolvers, commands and loaders reach Prisma through it.
import type { Prisma } from '@threadline/db/client';
import type { TenantPrisma } from '@threadline/db/tenant';
import { parseRfc3339 } from '@threadline/db/rfc3339';
import { isUuid } from '@threadline/db/uuid';
import { decodeCursor, encodeCursor, invalidCursor } from './cursor.ts';
import type { ConnectionShape } from './connection.ts';
import { SortOrder } from './connection.ts';

export type Row = Record<string, unknown> & { id: string };

export interface ModelDelegate {
  findMany(args: object): Promise<Row[]>;
  findFirst(args: object): Promise<Row | null>;
  count(args: object): Promise<number>;
  create(args: object): Promise<Row>;
  update(args: object): Promise<Row>;
}

/** A scoped client or one of its transactions. */
export type TenantClient = TenantPrisma | Parameters<Parameters<TenantPrisma['$transaction']>[0]>[0];

export function delegateOf(client: TenantClient, model: Prisma.ModelName): ModelDelegate {
  const key = model.charAt(0).toLowerCase() + model.slice(1);
  return (client as unknown as Record<string, ModelDelegate>)[key]!;
}

export interface PageQuery {
  where: object;
  orderKey: string;
  first: number;
  after?: string | undefined;
  order: SortOrder;
}

export async function findPage(delegate: ModelDelegate, query: PageQuery): Promise<ConnectionShape<Row>> {
  const { orderKey, first, order } = query;
  const cmp = order === SortOrder.ASC ? 'gt' : 'lt';
  let where: object = query.where;
  if (query.after) {
    const cursor = decodeCursor(query.after);
    if (!isUuid(cursor.id)) throw invalidCursor();
    const value = parseCursorValue(cursor.value);
    where = { AND: [query.where, { OR: [{ [orderKey]: { [cmp]: value } }, { [orderKey]: value, id: { [cmp]: cursor.id } }] }] };
  }
  const orderBy = [{ [orderKey]: order }, { id: order }];
  const rows = await delegate.findMany({ where, orderBy, take: first + 1 }).catch((error: unknown) => {
    // A cursor value of another type than the order key (text for a time, say) is refused by Prisma's validation.
    throw query.after && isValidationError(error) ? invalidCursor() : error;
  });
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(node[orderKey], node.id) }));
  let counted: Promise<number> | undefined;
  return {
    nodes: page,
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    // Counted only when the request selects it: most lists (the portal's live checks among them) never do.
    get totalCount() {
      return (counted ??= delegate.count({ where: query.where }));
    },
  };
}

function parseCursorValue(value: string | number): Date | string | number | bigint {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidCursor();
    return value;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const time = parseRfc3339(value);
    if (!time) throw invalidCursor();
    return time;
  }
  if (/^\d+$/.test(value)) {
    const big = BigInt(value);
    if (big > MAX_BIGINT) throw invalidCursor();
    return big;
  }
  return value;
}

/** PostgreSQL's largest BIGINT. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

const isValidationError = (error: unknown) => error instanceof Error && error.name === 'PrismaClientValidationError';
