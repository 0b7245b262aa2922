// Starts the API: reads configuration, builds services and the server, listens, and shuts down
import 'reflect-metadata';
// cleanly on SIGINT/SIGTERM.
import pino from 'pino';
import { readApiConfig } from './config.ts';
import { buildServer } from './server.ts';
import { createServices } from './services.ts';

const config = readApiConfig();
const log = pino({ name: 'threadline-api', level: config.LOG_LEVEL });
const app = await buildServer(await createServices(config, log));
await app.listen({ host: config.API_HOST, port: config.API_PORT });
log.info(`GraphQL API on http://${config.API_HOST}:${config.API_PORT}/graphql`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    void app.close().then(() => process.exit(0));
  });
}
