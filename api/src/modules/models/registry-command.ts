// Registry writes in one transaction of the caller's organisation, their refusals as coded errors.
import type { AuditActor, RawSql } from '@threadline/db/audit/audit-log';
import { RegistryRefusal } from '@threadline/db/models/deployments';
import { actorOf } from '../../auth/principal.ts';
import { tenantOf, type Context } from '../../context.ts';
import { badInput, fromDatabaseError } from '../../common/errors.ts';

/** Runs registry writes in one transaction of the caller's organisation; refusals become coded errors. */
export async function registryCommand<T>(ctx: Context, work: (db: RawSql, actor: AuditActor, organizationId: string) => Promise<T>): Promise<T> {
  const { principal, tenant } = tenantOf(ctx);
  try {
    return await tenant.$transaction((tx) => work(tx as unknown as RawSql, actorOf(principal), principal.organizationId));
  } catch (error) {
    if (error instanceof RegistryRefusal) throw badInput(error.message, { field: error.field });
    throw fromDatabaseError(error) ?? error;
  }
}

