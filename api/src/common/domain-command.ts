// Domain writes (registry, experiments, waves) in one transaction of the caller's organisation;
// a rule's refusal comes back as BAD_USER_INPUT naming the field (and a refused table's problems
// by line and column), driver errors as coded errors.
import type { AuditActor } from '@threadline/db/audit/audit-log';
import type { RawSql } from '@threadline/db/sql';
import { Refusal } from '@threadline/db/refusal';
import { actorOf } from '../auth/principal.ts';
import { tenantOf, type Context } from '../context.ts';
import { fromDatabaseError, ThreadlineError } from './errors.ts';

/** Runs domain writes in one transaction of the caller's organisation; refusals become coded errors. */
export function domainCommand<T>(ctx: Context, work: (db: RawSql, actor: AuditActor, organizationId: string) => Promise<T>): Promise<T> {
  const { principal, tenant } = tenantOf(ctx);
  return withCodedErrors(() => tenant.$transaction((tx) => work(tx as unknown as RawSql, actorOf(principal), principal.organizationId)));
}

/** `work`'s result; a rule's refusal becomes a ThreadlineError of its code, a driver error a coded one. */
export async function withCodedErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refusal)
      throw new ThreadlineError(error.code, error.message, { field: error.field, ...('problems' in error ? { problems: error.problems } : {}) });
    throw fromDatabaseError(error) ?? error;
  }
}
