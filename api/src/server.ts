// Composition root: builds the schema, the Fastify app with Apollo Server on /graphql, request
// authentication and error formatting, and the health route.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { credentialsOf, header } from './auth/credentials.ts';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { GraphQLError } from 'graphql';
import { buildContext, type Context } from './context.ts';
import { buildThreadlineSchema } from './schema.ts';
import type { Services } from './services.ts';
import { isDatabaseUnavailable } from '@threadline/db/database-unavailable';
import { ping, rawSqlOf } from '@threadline/db/sql';
import { formatGraphQLError, retryAfterOf, serviceUnavailable, ThreadlineError } from './common/errors.ts';
import { registerIngestRoutes } from './modules/telemetry/ingest.route.ts';
import { registerExportRoutes } from './modules/audit/export.route.ts';
import { refuseNulCharacters } from './security/nul-characters.ts';
import { queryLimits } from './security/query-limits.ts';

export async function buildServer(services: Services) {
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    genReqId: (request) => (request.headers['x-request-id'] as string | undefined) ?? randomUUID(),
    bodyLimit: 10 * 1024 * 1024,
  });
  const schema = await buildThreadlineSchema();
  const limits = queryLimits(services.config.NODE_ENV);
  const apollo = new ApolloServer<Context>({
    schema,
    ...limits,
    includeStacktraceInErrorResponses: false,
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginLandingPageDisabled(), refuseNulCharacters, ...limits.plugins!],
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

  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request) => {
      try {
        const principal = await services.access.authenticate(credentialsOf(request));
        return buildContext(services, principal, request.id, request.log);
      } catch (caught) {
        const error = isDatabaseUnavailable(caught) ? serviceUnavailable() : caught;
        if (error instanceof ThreadlineError) {
          const retryAfter = retryAfterOf(error);
          throw new GraphQLError(error.message, {
            extensions: {
              code: error.code,
              ...(error.details ? { details: error.details } : {}),
              http: { status: error.httpStatus, ...(retryAfter ? { headers: new Map([['retry-after', retryAfter]]) } : {}) },
            },
          });
        }
        throw error;
      }
    },
  });

  await registerIngestRoutes(app, services);
  await registerExportRoutes(app, services);

  app.get('/health', async (_request, reply) => {
    try {
      await ping(rawSqlOf(services.db.pool));
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.addHook('onClose', async () => {
    await services.keyRate.close?.();
    await services.db.close();
  });
  return app;
}
