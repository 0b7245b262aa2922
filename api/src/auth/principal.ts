// Who is calling: a signed-in user or an API key, always of exactly one organisation.
import type { Permission } from './permissions.ts';
import type { AuditActor } from '@threadline/db/audit/audit-log';

export interface Principal {
  kind: 'USER' | 'API_KEY';
  id: string;
  label: string;
  organizationId: string;
  permissions: ReadonlySet<Permission>;
  /** The user's role, for users. */
  role?: string;
}

export function actorOf(principal: Principal): AuditActor {
  return { kind: principal.kind, id: principal.id, label: principal.label };
}
