// The real API listening on a loopback port over a bench's own database, with every key's rate
// budget lifted (the benches drive keys hard on purpose), and a GraphQL call that returns the
// whole answer, errors included.
import 'reflect-metadata';
import pino from 'pino';
import { readApiConfig } from '../api/src/config.ts';
import { buildServer } from '../api/src/server.ts';
import { createServices } from '../api/src/services.ts';

export interface GraphQLAnswer {
  data?: Record<string, { token?: string }>;
  errors?: { message: string }[];
}

export async function startListeningApi(databaseUrl: string) {
  const config = readApiConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    API_KEY_RATE_PER_SECOND: '1000000',
    API_KEY_BURST: '1000000',
  });
  const services = await createServices(config, pino({ level: 'silent' }));
  const app = await buildServer(services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const gql = async (query: string, token?: string): Promise<GraphQLAnswer> => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as GraphQLAnswer;
  };
  return { services, app, base, gql };
}
