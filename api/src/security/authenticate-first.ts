// Every request is authenticated from its headers alone, in `onRequest`, before a byte of its body
// is read: a caller with wrong credentials, or without the permission a route needs, is answered
// at once and its body never read or unpacked. The principal is kept on the request for the
// handlers and for the body limits (body-cap.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '@threadline/db/database-unavailable';
import { credentialsOf } from '../auth/credentials.ts';
import type { Permission } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { forbidden, serviceUnavailable, unauthenticated } from '../common/errors.ts';
import type { Services } from '../services.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, from its headers (authenticateFirst); null when it sent no credentials. */
    principal: Principal | null;
  }
}

export interface RouteAccess {
  permission: Permission;
  /** What to send, named in the 401 answer. */
  hint: string;
  /** Machine routes take API keys only, not people's session tokens. */
  apiKeysOnly?: boolean;
}

/** Authenticates every request of `scope` before its body is read; with `access`, refuses callers without it. */
export function authenticateFirst(scope: FastifyInstance, services: Services, access?: RouteAccess): void {
  scope.addHook('onRequest', async (request) => {
    request.principal = await principalOf(services, request);
    if (!access) return;
    const { principal } = request;
    if (!principal) throw unauthenticated(access.hint);
    if (access.apiKeysOnly && principal.kind !== 'API_KEY') throw unauthenticated(`This route takes an API key, not a session token. ${access.hint}`);
    if (!principal.permissions.has(access.permission)) throw forbidden(`This key or role lacks ${access.permission}.`);
  });
}

/** The caller of an authenticated route (authenticateFirst with access ran before). */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

async function principalOf(services: Services, request: FastifyRequest): Promise<Principal | null> {
  try {
    return await services.access.authenticate(credentialsOf(request));
  } catch (caught) {
    throw isDatabaseUnavailable(caught) ? serviceUnavailable() : caught;
  }
}
