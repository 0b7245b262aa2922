// What the REST routes (bulk ingest, exports) share: the caller authenticated by session token or
// API key and checked for one permission, and errors in one JSON shape with their HTTP status.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Permission } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { credentialsOf } from '../auth/credentials.ts';
import type { Services } from '../services.ts';
import { forbidden, retryAfterOf, unauthenticated, type ThreadlineError } from './errors.ts';

export function sendError(reply: FastifyReply, error: ThreadlineError, status = error.httpStatus) {
  const retryAfter = retryAfterOf(error);
  if (retryAfter) reply.header('retry-after', retryAfter);
  return reply.code(status).send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
}

/** The caller, who must hold `permission`; UNAUTHENTICATED (with `hint`) or FORBIDDEN otherwise. */
export async function requirePermission(services: Services, request: FastifyRequest, permission: Permission, hint?: string): Promise<Principal> {
  const principal = await services.access.authenticate(credentialsOf(request));
  if (!principal) throw unauthenticated(hint);
  if (!principal.permissions.has(permission)) throw forbidden(`This key or role lacks ${permission}.`);
  return principal;
}
