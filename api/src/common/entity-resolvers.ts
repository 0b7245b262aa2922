// Builds the standard GraphQL operations of one entity from its spec: a paginated, filtered list
// and a lookup by id for every entity; create and update mutations, each an audited command, for
// entities that people edit, and a delete mutation for those created by mistake. Rules beyond the
// schema go in the spec's `prepare` hooks.
import type { ClassType } from 'type-graphql';
import { Arg, Args, Authorized, Ctx, getMetadataStorage, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Prisma } from '@threadline/db/client';
import type { Permission } from '../auth/permissions.ts';
import { tenantOf, type Context } from '../context.ts';
import type { AuditSubject } from '@threadline/db/audit/catalogue';
import { auditDiff, auditJson, runCommand } from './command.ts';
import { connectionOf, PageArgs, type ConnectionShape } from './connection.ts';
import { delegateOf, findPage, type Row, type TenantClient } from './entity-repository.ts';
import { badInput, notFound, requireUuid } from './errors.ts';
import { domainCommand } from './domain-command.ts';
import { deleteRecord, type DeletedRecord as DeletedRecordRow } from '@threadline/db/deleted-records';
import { DeletedRecord } from '../modules/audit/deleted-records.types.ts';

export interface WriteSpec<TInput extends object> {
  input: ClassType<TInput>;
  permission: Permission;
  /** Turns validated input into Prisma data, checking rules the schema cannot state. */
  prepare?: (input: TInput, tx: TenantClient, ctx: Context, existing?: Row) => Promise<Record<string, unknown>>;
}

export interface EntitySpec<TFilter extends object = object> {
  /** GraphQL type name, e.g. `Asset`. */
  name: string;
  model: Prisma.ModelName;
  subject: AuditSubject;
  node: () => ClassType<object>;
  /** Query names: the list (`assets`) and the single lookup (`asset`). */
  list: string;
  single: string;
  filter: ClassType<TFilter>;
  toWhere: (filter: TFilter) => object;
  /** Permission to read the list and rows; `read` unless stated. */
  readPermission?: Permission;
  /** Column ordering pages, unique together with id; `createdAt` unless stated. */
  orderKey?: string;
  create?: WriteSpec<object>;
  update?: WriteSpec<object>;
  /** A `deleteX(id)` mutation for rows created by mistake (prisma/src/deleted-records.ts), with the permission it needs. */
  delete?: { permission: Permission };
}

/** The permission that deletes and restores each deletable entity, by entity name. */
export const DELETE_PERMISSIONS = new Map<string, Permission>();

/** All resolver classes for one entity. */
export function entityResolvers(spec: EntitySpec): ClassType[] {
  const classes: ClassType[] = [queriesOf(spec)];
  if (spec.create) classes.push(createMutationOf(spec, spec.create));
  if (spec.update) classes.push(updateMutationOf(spec, spec.update));
  if (spec.delete) classes.push(deleteMutationOf(spec, spec.delete.permission));
  return classes;
}

function queriesOf(spec: EntitySpec): ClassType {
  const Connection = connectionOf(spec.name, spec.node);

  @Resolver()
  class EntityQueries {
    @Authorized(spec.readPermission ?? 'read')
    @Query(() => Connection, { name: spec.list, description: `${spec.name} records of your organisation, a page at a time.` })
    async list(
      @Args(() => PageArgs) page: PageArgs,
      @Arg('filter', () => spec.filter, { nullable: true }) filter: object | undefined,
      @Ctx() ctx: Context,
    ): Promise<ConnectionShape<Row>> {
      const { tenant } = tenantOf(ctx);
      return findPage(delegateOf(tenant, spec.model), {
        where: filter ? spec.toWhere(filter) : {},
        orderKey: spec.orderKey ?? 'createdAt',
        first: page.first,
        after: page.after,
        order: page.order,
      });
    }

    @Authorized(spec.readPermission ?? 'read')
    @Query(() => spec.node(), { name: spec.single, description: `One ${spec.name} by id.` })
    async get(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row> {
      const row = await tenantOf(ctx).loaders.byId(spec.model).load(requireUuid(id));
      if (!row) throw notFound(spec.name, id);
      return row;
    }
  }
  return EntityQueries;
}

function createMutationOf(spec: EntitySpec, write: WriteSpec<object>): ClassType {
  @Resolver()
  class CreateMutation {
    @Authorized(write.permission)
    @Mutation(() => spec.node(), { name: `create${spec.name}`, description: `Creates a ${spec.name}; audited as ${spec.subject}.created.` })
    async create(@Arg('input', () => write.input) input: object, @Ctx() ctx: Context): Promise<Row> {
      return runCommand(ctx, { type: `${spec.subject}.created`, subjectType: spec.subject }, async (tx) => {
        const data = write.prepare ? await write.prepare(input, tx, ctx) : { ...input };
        const row = await delegateOf(tx, spec.model).create({ data });
        return { result: row, subjectId: row.id, payload: { after: auditJson(row) } };
      });
    }
  }
  return CreateMutation;
}

/** The entity's fields that its GraphQL type never returns as null: an update may not clear them. */
function requiredFieldsOf(node: ClassType): Set<string> {
  return new Set(
    getMetadataStorage()
      .fields.filter((f) => (f.target === node || node.prototype instanceof f.target) && !f.typeOptions.nullable)
      .map((f) => f.name),
  );
}

function updateMutationOf(spec: EntitySpec, write: WriteSpec<object>): ClassType {
  let required: Set<string> | null = null;
  @Resolver()
  class UpdateMutation {
    @Authorized(write.permission)
    @Mutation(() => spec.node(), {
      name: `update${spec.name}`,
      description: `Changes a ${spec.name}; audited as ${spec.subject}.updated with the fields changed.`,
    })
    async update(@Arg('id', () => ID) id: string, @Arg('input', () => write.input) input: object, @Ctx() ctx: Context): Promise<Row> {
      return runCommand(ctx, { type: `${spec.subject}.updated`, subjectType: spec.subject }, async (tx) => {
        const delegate = delegateOf(tx, spec.model);
        const existing = await delegate.findFirst({ where: { id: requireUuid(id) } });
        if (!existing) throw notFound(spec.name, id);
        required ??= requiredFieldsOf(spec.node());
        const cleared = Object.entries(input)
          .filter(([field, value]) => value === null && required!.has(field))
          .map(([field]) => field);
        if (cleared.length > 0)
          throw badInput(`${cleared.join(', ')} cannot be cleared: give a value, or leave the field out to keep it.`, { field: cleared[0] });
        const data = write.prepare ? await write.prepare(input, tx, ctx, existing) : { ...input };
        const row = await delegate.update({ where: { id }, data });
        return { result: row, subjectId: id, payload: { changes: auditDiff(existing, row) } };
      });
    }
  }
  return UpdateMutation;
}

function deleteMutationOf(spec: EntitySpec, permission: Permission): ClassType {
  DELETE_PERMISSIONS.set(spec.name, permission);
  @Resolver()
  class DeleteMutation {
    @Authorized(permission)
    @Mutation(() => DeletedRecord, {
      name: `delete${spec.name}`,
      description: `Deletes a ${spec.name} that nothing refers to (CONFLICT names what does); restoreDeleted brings it back. Audited as ${spec.subject}.deleted with the row as it was.`,
    })
    async remove(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DeletedRecordRow> {
      return domainCommand(ctx, (db, actor, organizationId) => deleteRecord(db, spec.name, { organizationId, id: requireUuid(id), actor }, ctx.services.clock));
    }
  }
  return DeleteMutation;
}
