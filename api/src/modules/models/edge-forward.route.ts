// POST /edge/forward and /edge/heartbeat: what edge agents send the core (threadline-edge run);
// GET /edge/update and POST /edge/update-report: their over-the-air updates (edge-rollouts.ts).
// Forwarded records come in the order of the agent's outbox and are applied once each
// (prisma/src/models/edge-forwarding.ts); the answer says through which sequence number the
// agent may drop them. Authenticated by API key with the edge:write permission before the body
// is read.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { offeredUpdate, reportRolloutStep } from '@threadline/db/models/edge-rollouts';
import { issueEdgeBundle } from '@threadline/db/models/issue-edge-bundle';
import { acceptForwarded, edgeAgentActor, edgeBatchSchema, heartbeatSchema, recordHeartbeat } from '@threadline/db/models/edge-forwarding';
import { rawSqlOf, type RawSql } from '@threadline/db/sql';
import type { Services } from '../../services.ts';
import { withCodedErrors } from '../../common/domain-command.ts';
import { bodyRouteErrors, parsedBody } from '../../common/http-route.ts';
import { authenticateFirst, callerOf } from '../../security/authenticate-first.ts';

const BODY_LIMIT = 8 * 1024 * 1024;

const targetQuerySchema = z.object({ targetId: z.string().uuid(), have: z.string().max(100).optional() });
const rolloutReportSchema = z.object({
  targetId: z.string().uuid(),
  rolloutId: z.string().uuid(),
  deploymentId: z.string().uuid(),
  action: z.enum(['INSTALL', 'ROLLBACK']),
  ok: z.boolean(),
  reason: z.string().max(2000).nullable().optional(),
  details: z.record(z.string(), z.unknown()).default({}),
});

export async function registerEdgeRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(
      bodyRouteErrors(services, {
        limit: '8 MiB',
        label: 'edge forward failed',
        message: 'The batch was not applied; send it again (records are applied once).',
        unavailableMessage: 'The database cannot be reached right now; send the batch again after Retry-After seconds (records are applied once).',
      }),
    );
    authenticateFirst(scope, services, {
      permission: 'edge:write',
      hint: "Send the edge target's API key, with the edge:write scope (Authorization: Bearer tl_… or X-API-Key).",
      apiKeysOnly: true,
    });
    scope.post('/edge/forward', { bodyLimit: BODY_LIMIT }, async (request) => {
      const batch = parsedBody(edgeBatchSchema, request.body);
      return withCodedErrors(() => services.db.prisma.$transaction((tx) => acceptForwarded(tx as unknown as RawSql, callerOf(request).organizationId, batch)));
    });
    // Over-the-air updates: what the target should install (or go back to), as a signed bundle unless
    // the agent says it has this offer's already (`have`: rollout:action); and its report.
    scope.get('/edge/update', async (request) => {
      const { targetId, have } = parsedBody(targetQuerySchema, request.query);
      const organizationId = callerOf(request).organizationId;
      return withCodedErrors(() =>
        services.db.prisma.$transaction(async (tx) => {
          const db = tx as unknown as RawSql;
          const update = await offeredUpdate(db, organizationId, targetId);
          if (!update) return { update: null };
          if (have === `${update.rolloutId}:${update.action}`) return { update: { ...update, bundle: null } };
          const issued = await issueEdgeBundle(
            db,
            services.modelKeys,
            organizationId,
            update.deploymentId,
            edgeAgentActor(targetId),
            services.clock.now(),
            update.versionId,
          );
          return { update: { ...update, bundle: issued.bundle } };
        }),
      );
    });
    scope.post('/edge/update-report', async (request) => {
      const { targetId, ...report } = parsedBody(rolloutReportSchema, request.body);
      const organizationId = callerOf(request).organizationId;
      const status = await withCodedErrors(() =>
        services.db.prisma.$transaction((tx) =>
          reportRolloutStep(tx as unknown as RawSql, organizationId, targetId, { ...report, reason: report.reason ?? null }),
        ),
      );
      return { status };
    });
    scope.post('/edge/heartbeat', async (request) => {
      const heartbeat = parsedBody(heartbeatSchema, request.body);
      await withCodedErrors(() => recordHeartbeat(rawSqlOf(services.db.pool), callerOf(request).organizationId, heartbeat));
      return { ok: true };
    });
  });
}
