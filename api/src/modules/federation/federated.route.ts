// GET /edge/federated/:runId and POST /edge/federated/:runId/updates: an edge agent's part in a
// federated run (threadline-edge federate). It asks for the current round and sends its noised
// update; the body is a phase, a round and a vector of numbers, nothing else. Authenticated by an
// API key with edge:write before the body is read; the edge target must stand at one of the run's sites.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptSiteUpdate, roundFor } from '@threadline/db/federation/federated-runs';
import { edgeAgentActor } from '@threadline/db/models/edge-forwarding';
import { rawSqlOf, type RawSql } from '@threadline/db/sql';
import type { Services } from '../../services.ts';
import { withCodedErrors } from '../../common/domain-command.ts';
import { bodyRouteErrors, parsedBody } from '../../common/http-route.ts';
import { requireUuid } from '../../common/errors.ts';
import { authenticateFirst, callerOf } from '../../security/authenticate-first.ts';

/** A gradient of a few hundred features, or 100 histogram counts, as JSON numbers. */
const BODY_LIMIT = 256 * 1024;

const updateSchema = z
  .object({
    targetId: z.uuid(),
    phase: z.enum(['GRADIENT', 'HISTOGRAM']),
    round: z.int().min(0),
    values: z.array(z.number()).min(1).max(5_000),
  })
  .strict();

export async function registerFederatedRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(
      bodyRouteErrors(services, {
        limit: '256 KiB',
        label: 'federated update failed',
        message: 'The update was not taken; ask for the round again and resend (an update is taken once).',
      }),
    );
    authenticateFirst(scope, services, {
      permission: 'edge:write',
      hint: "Send the edge target's API key, with the edge:write scope (Authorization: Bearer tl_… or X-API-Key).",
      apiKeysOnly: true,
    });
    scope.get('/edge/federated/:runId', async (request) => {
      const runId = requireUuid((request.params as { runId: string }).runId, 'runId');
      const targetId = requireUuid(String((request.query as { targetId?: unknown }).targetId ?? ''), 'targetId');
      return withCodedErrors(() => roundFor(rawSqlOf(services.db.pool), callerOf(request).organizationId, runId, targetId));
    });
    scope.post('/edge/federated/:runId/updates', { bodyLimit: BODY_LIMIT }, async (request) => {
      const runId = requireUuid((request.params as { runId: string }).runId, 'runId');
      const { targetId, ...update } = parsedBody(updateSchema, request.body);
      return withCodedErrors(() =>
        services.db.prisma.$transaction((tx) =>
          acceptSiteUpdate(tx as unknown as RawSql, callerOf(request).organizationId, runId, targetId, update, edgeAgentActor(targetId)),
        ),
      );
    });
  });
}
