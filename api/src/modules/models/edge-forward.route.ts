// POST /edge/forward and /edge/heartbeat: what edge agents send the core (threadline-edge run).
// Forwarded records come in the order of the agent's outbox and are applied once each
// (prisma/src/models/edge-forwarding.ts); the answer says through which sequence number the
// agent may drop them. Authenticated by API key with the edge:write permission before the body
// is read.
import type { FastifyInstance } from 'fastify';
import type { ZodType } from 'zod';
import { acceptForwarded, edgeBatchSchema, heartbeatSchema, recordHeartbeat } from '@threadline/db/models/edge-forwarding';
import { rawSqlOf, type RawSql } from '@threadline/db/sql';
import type { Services } from '../../services.ts';
import { badInput, payloadTooLarge, ThreadlineError } from '../../common/errors.ts';
import { withCodedErrors } from '../../common/domain-command.ts';
import { sendError, sendUnexpected } from '../../common/http-route.ts';
import { authenticateFirst, callerOf } from '../../security/authenticate-first.ts';

const BODY_LIMIT = 8 * 1024 * 1024;

function parsed<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badInput(`${issue.path.join('.') || 'body'}: ${issue.message}`, { field: issue.path.join('.'), problems: result.error.issues.length });
  }
  return result.data;
}

export async function registerEdgeRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      if (error instanceof ThreadlineError) return sendError(reply, error);
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return sendError(reply, payloadTooLarge('8 MiB'));
      if (status < 500) return sendError(reply, badInput(`The body could not be read: ${(error as Error).message}`));
      return sendUnexpected(
        services,
        reply,
        error,
        'edge forward failed',
        'The batch was not applied; send it again (records are applied once).',
        'The database cannot be reached right now; send the batch again after Retry-After seconds (records are applied once).',
      );
    });
    authenticateFirst(scope, services, {
      permission: 'edge:write',
      hint: "Send the edge target's API key, with the edge:write scope (Authorization: Bearer tl_… or X-API-Key).",
      apiKeysOnly: true,
    });
    scope.post('/edge/forward', { bodyLimit: BODY_LIMIT }, async (request) => {
      const batch = parsed(edgeBatchSchema, request.body);
      return withCodedErrors(() => services.db.prisma.$transaction((tx) => acceptForwarded(tx as unknown as RawSql, callerOf(request).organizationId, batch)));
    });
    scope.post('/edge/heartbeat', async (request) => {
      const heartbeat = parsed(heartbeatSchema, request.body);
      await withCodedErrors(() => recordHeartbeat(rawSqlOf(services.db.pool), callerOf(request).organizationId, heartbeat));
      return { ok: true };
    });
  });
}
