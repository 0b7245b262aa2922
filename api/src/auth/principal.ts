// Who is calling: a signed-in user or an API key, always of exactly one organisation.
import type { Permission } from './permissions.ts';
import type { AuditActor } from '@threadline/db/audit/audit-log';
import { forbidden } from '../common/errors.ts';

export interface Principal {
  /** A signed-in person, an API key, or a machine client with the identity provider's access token. */
  kind: 'USER' | 'API_KEY' | 'CLIENT';
  id: string;
  label: string;
  organizationId: string;
  permissions: ReadonlySet<Permission>;
  /** The user's role, for users. */
  role?: string;
  /** The server-side session the user's token names (prisma/src/people/sessions.ts). */
  sessionId?: string;
}

/** One key per caller, for their share of the expensive reads and their reads after writing. */
export function callerKey(principal: Principal | null): string {
  return principal ? `${principal.kind}:${principal.id}` : 'anonymous';
}

export function actorOf(principal: Principal): AuditActor {
  return { kind: principal.kind, id: principal.id, label: principal.label };
}

/** The signed-in person's id for decisions only people make; FORBIDDEN for API keys and machine clients. */
export function personOf(principal: Principal, what: string): string {
  if (principal.kind !== 'USER') throw forbidden(`${what} is done by people, not API keys or machine clients.`);
  return principal.id;
}
