// What the REST routes (bulk ingest, exports) share: errors in one JSON shape with their HTTP
// status. Callers are authenticated before their bodies are read (security/authenticate-first.ts).
import type { FastifyReply } from 'fastify';
import type { Services } from '../services.ts';
import { isDatabaseUnavailable } from '@threadline/db/database-unavailable';
import { retryAfterOf, serviceUnavailable, type ThreadlineError } from './errors.ts';

export function sendError(reply: FastifyReply, error: ThreadlineError, status = error.httpStatus) {
  const retryAfter = retryAfterOf(error);
  if (retryAfter) reply.header('retry-after', retryAfter);
  return reply.code(status).send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
}

/**
 * An error the route did not expect: 503 with Retry-After when the database cannot be reached (the
 * request may simply be sent again), else a logged 500 that says `message` and nothing internal.
 */
export function sendUnexpected(services: Services, reply: FastifyReply, error: unknown, label: string, message: string, unavailableMessage?: string) {
  if (isDatabaseUnavailable(error)) {
    services.log.warn({ err: error }, `${label}: the database cannot be reached`);
    return sendError(reply, serviceUnavailable(unavailableMessage));
  }
  services.log.error({ err: error }, label);
  return reply.code(500).send({ error: { code: 'INTERNAL_SERVER_ERROR', message } });
}
