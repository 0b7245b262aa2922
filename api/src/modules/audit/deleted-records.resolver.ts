// Deleted records: the list of what was deleted, and restoring a row as it was.
import type { ClassType } from 'type-graphql';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { DELETABLE, restoreRecord } from '@threadline/db/deleted-records';
import { tenantOf, type Context } from '../../context.ts';
import { DELETE_PERMISSIONS, entityResolvers } from '../../common/entity-resolvers.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { forbidden, notFound, requireUuid } from '../../common/errors.ts';
import { DeletedRecord, DeletedRecordFilter } from './deleted-records.types.ts';

@Resolver()
export class DeletedRecordsResolver {
  @Authorized('read')
  @Mutation(() => DeletedRecord, {
    description:
      'Puts a deleted row back as it was (CONFLICT when its code was taken again meanwhile). Needs the permission that deletes it; audited as <subject>.restored.',
  })
  async restoreDeleted(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DeletedRecord> {
    const { principal, tenant } = tenantOf(ctx);
    const deleted = await tenant.deletedRecord.findFirst({ where: { id: requireUuid(id) } });
    if (!deleted) throw notFound('DeletedRecord', id);
    const entity = Object.entries(DELETABLE).find(([, d]) => d.table === deleted.tableName)?.[0];
    const permission = entity && DELETE_PERMISSIONS.get(entity);
    if (!permission || !principal.permissions.has(permission))
      throw forbidden(`Restoring ${deleted.tableName} needs ${permission ?? 'a permission no one has'}.`);
    return domainCommand(ctx, (db, actor, organizationId) => restoreRecord(db, organizationId, deleted.id, actor, ctx.services.clock));
  }
}

export const deletedRecordResolvers: ClassType[] = [
  DeletedRecordsResolver,
  ...entityResolvers({
    name: 'DeletedRecord',
    model: 'DeletedRecord',
    subject: 'organization',
    node: () => DeletedRecord,
    list: 'deletedRecords',
    single: 'deletedRecord',
    orderKey: 'deletedAt',
    filter: DeletedRecordFilter,
    toWhere: (f: DeletedRecordFilter) => ({
      ...(f.tableName ? { tableName: f.tableName } : {}),
      ...(f.waiting === undefined ? {} : { restoredAt: f.waiting ? null : { not: null } }),
    }),
  }),
];
