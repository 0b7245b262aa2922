// Composition root: builds the schema, the Fastify app with Apollo Server on /graphql, request
// authentication (from headers, before any body is read) and error formatting, and the health route.
import { routeReads } from './common/read-routing.ts';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyReply } from 'fastify';
import { header } from './auth/credentials.ts';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { buildContext, type Context } from './context.ts';
import { buildThreadlineSchema } from './schema.ts';
import type { Services } from './services.ts';
import { ping, rawSqlOf } from '@threadline/db/sql';
import { badInput, formatGraphQLError, payloadTooLarge, retryAfterOf, ThreadlineError } from './common/errors.ts';
import { authenticateFirst } from './security/authenticate-first.ts';
import { capBody } from './security/body-cap.ts';
import { registerIngestRoutes } from './modules/telemetry/ingest.route.ts';
import { registerEdgeRoutes } from './modules/models/edge-forward.route.ts';
import { registerFrameRoutes } from './modules/vision/frames.route.ts';
import { registerFederatedRoutes } from './modules/federation/federated.route.ts';
import { registerDeviceClaimRoute } from './modules/devices/device-claim.route.ts';
import { registerExportRoutes } from './modules/audit/export.route.ts';
import { guardOperationInput } from './security/operation-input-guard.ts';
import { retryAfterStatus } from './security/retry-after-status.ts';
import { limitReadRows } from './security/read-cost.ts';
import { queryLimits } from './security/query-limits.ts';

/** A signed-in caller's GraphQL body; an anonymous caller may only sign in, in a small one. */
const GRAPHQL_BODY_LIMIT = 10 * 1024 * 1024;
const ANONYMOUS_BODY_LIMIT = 64 * 1024;

/** Fastify's own refusals of a request (bad JSON, a wrong Content-Length): a 4xx with its message. */
function clientErrorOf(error: unknown): ThreadlineError | null {
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (status === 413) return payloadTooLarge('the limit');
  return status < 500 ? badInput(`The request could not be read: ${(error as Error).message}`) : null;
}

/** A refusal before the operation ran, in GraphQL's answer shape with its HTTP status. */
function sendGraphQLError(reply: FastifyReply, error: ThreadlineError) {
  const retryAfter = retryAfterOf(error);
  if (retryAfter) reply.header('retry-after', retryAfter);
  return reply
    .code(error.httpStatus)
    .send({ errors: [{ message: error.message, extensions: { code: error.code, ...(error.details ? { details: error.details } : {}) } }] });
}

export async function buildServer(services: Services) {
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    genReqId: (request) => (request.headers['x-request-id'] as string | undefined) ?? randomUUID(),
    bodyLimit: GRAPHQL_BODY_LIMIT,
    trustProxy: services.config.TRUST_PROXY,
  });
  const schema = await buildThreadlineSchema();
  const limits = queryLimits(services.config.NODE_ENV);
  const apollo = new ApolloServer<Context>({
    schema,
    ...limits,
    includeStacktraceInErrorResponses: false,
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      guardOperationInput,
      limitReadRows,
      retryAfterStatus,
      routeReads,
      ...limits.plugins!,
    ],
    formatError: (formatted, error) => formatGraphQLError(formatted, error, (err) => services.log.error({ err }, 'unexpected error in a GraphQL operation')),
  });
  await apollo.start();

  app.addHook('onRequest', async (request, reply) => {
    const origin = header(request, 'origin');
    if (origin && services.config.CORS_ORIGINS.split(',').includes(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'origin');
      reply.header('access-control-allow-headers', 'authorization, content-type, x-api-key, apollo-require-preflight');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
    }
    if (request.method === 'OPTIONS') return reply.code(204).send();
  });

  app.decorateRequest('principal', null);
  await app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      const known = error instanceof ThreadlineError ? error : clientErrorOf(error);
      if (known) return sendGraphQLError(reply, known);
      request.log.error({ err: error }, 'unexpected error before a GraphQL operation');
      return sendGraphQLError(reply, new ThreadlineError('INTERNAL_SERVER_ERROR', 'The request failed on the server; try again.'));
    });
    authenticateFirst(scope, services);
    scope.addHook(
      'preParsing',
      capBody((request) => (request.principal ? GRAPHQL_BODY_LIMIT : ANONYMOUS_BODY_LIMIT), { gzip: false }),
    );
    await scope.register(fastifyApollo(apollo), {
      path: '/graphql',
      context: async (request) => buildContext(services, request.principal, request),
    });
  });

  await registerIngestRoutes(app, services);
  await registerEdgeRoutes(app, services);
  await registerFrameRoutes(app, services);
  await registerFederatedRoutes(app, services);
  await registerDeviceClaimRoute(app, services);
  await registerExportRoutes(app, services);

  // Prometheus: this process's metrics and the pipeline's health gauges (every organisation's: the operators' scrape).
  app.get('/metrics', async (request, reply) => {
    const token = services.config.observability.METRICS_TOKEN;
    if (token && request.headers.authorization !== `Bearer ${token}`)
      return reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } });
    return reply.type(services.metrics.contentType).send(await services.metrics.render());
  });
  services.sampler.start();

  app.get('/health', async (_request, reply) => {
    try {
      await ping(rawSqlOf(services.db.pool));
      return services.replica ? { status: 'ok', replica: services.replica.status() } : { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.addHook('onClose', async () => {
    await services.sampler.stop();
    await services.keyRate.close?.();
    await services.reads.close();
    await services.ingestLog?.close();
    await services.replica?.close();
    await services.devices.broker?.close();
    await services.db.close();
  });
  return app;
}
