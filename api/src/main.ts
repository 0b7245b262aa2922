// Starts the API: reads configuration, builds services and the server, listens, and shuts down
import 'reflect-metadata';
// cleanly on SIGINT/SIGTERM.
import pino from 'pino';
import { readApiConfig } from './config.ts';
import { buildServer } from './server.ts';
import { createServices } from './services.ts';
import { startTracing, traceFields } from '@threadline/db/observability/tracing';
import { PostgresSpanExporter } from '@threadline/db/observability/span-store';

const config = readApiConfig();
const log = pino({ name: 'threadline-api', level: config.LOG_LEVEL, mixin: traceFields });
const services = await createServices(config, log);
const tracing = startTracing(new PostgresSpanExporter(services.db.pool, 'api'), config.observability.TRACE_SAMPLE_RATIO);
const app = await buildServer(services);
await app.listen({ host: config.API_HOST, port: config.API_PORT });
log.info(`GraphQL API on http://${config.API_HOST}:${config.API_PORT}/graphql`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    void tracing
      .shutdown()
      .then(() => app.close())
      .then(() => process.exit(0));
  });
}
