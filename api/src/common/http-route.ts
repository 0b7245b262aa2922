// What the REST routes (bulk ingest, frames, edge forwarding, exports) share: errors in one JSON
// shape with their HTTP status, the error handler of a route that takes a body, and the check of a
// JSON body against its schema. Callers are
// authenticated before their bodies are read (security/authenticate-first.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { Services } from '../services.ts';
import { isDatabaseUnavailable } from '@threadline/db/database-unavailable';
import { badInput, payloadTooLarge, retryAfterOf, serviceUnavailable, ThreadlineError } from './errors.ts';

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

/**
 * The error handler of a route that takes a body: its own errors as they are, 413 past `limit`,
 * other client errors (an unreadable body) as BAD_USER_INPUT, anything else as sendUnexpected says.
 */
export function bodyRouteErrors(
  services: Services,
  answers: { limit: string; label: string; message: string; unavailableMessage?: string },
): (error: Error, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, _request, reply) => {
    if (error instanceof ThreadlineError) return sendError(reply, error);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413) return sendError(reply, payloadTooLarge(answers.limit));
    if (status < 500) return sendError(reply, badInput(`The body could not be read: ${error.message}`));
    return sendUnexpected(services, reply, error, answers.label, answers.message, answers.unavailableMessage);
  };
}

/** The body as its schema reads it; a body that does not fit is BAD_USER_INPUT naming the first problem's field. */
export function parsedBody<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badInput(`${issue.path.join('.') || 'body'}: ${issue.message}`, { field: issue.path.join('.'), problems: result.error.issues.length });
  }
  return result.data;
}
