// Builds the real API (Fastify + Apollo + PostgreSQL) on a test database and talks to it through
// Fastify's inject, with helpers to sign in and to count the SQL statements a request sends.
import pino from 'pino';
import { hashPassword } from '@threadline/db/passwords';
import type { Clock } from '@threadline/db/clock';
import { readApiConfig } from '../../api/src/config.ts';
import { buildServer } from '../../api/src/server.ts';
import { createServices, type Services } from '../../api/src/services.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

export interface ApiHarness {
  app: Awaited<ReturnType<typeof buildServer>>;
  database: TestDatabase;
  services: Services;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  login(email: string, password?: string): Promise<string>;
  /** Runs `work` and returns how many SQL statements it sent. */
  countStatements(work: () => Promise<unknown>): Promise<number>;
  /** Runs `work` and returns the SQL statements it sent, in order. */
  recordStatements(work: () => Promise<unknown>): Promise<string[]>;
  close(): Promise<void>;
}

/** The API on `database`: a fresh copy of the seeded template unless given; on `clock` when given. */
export async function startApi(env: Record<string, string> = {}, database?: TestDatabase, clock?: Clock): Promise<ApiHarness> {
  database ??= await createTestDatabase();
  let recorded: string[] | null = null;
  // Metrics samples only when a test asks (METRICS_SAMPLE_MS), so they never land among a test's counted statements.
  const config = readApiConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', METRICS_SAMPLE_MS: '600000', ...env });
  const services = await createServices(
    config,
    pino({ level: 'silent' }),
    (sql) => {
      recorded?.push(sql);
    },
    clock,
  );
  const app = await buildServer(services);
  await app.ready();

  const gql: ApiHarness['gql'] = async (query, variables, token, headers = {}) => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      payload: JSON.stringify({ query, variables }),
    });
    return response.json();
  };

  const recordStatements = async (work: () => Promise<unknown>) => {
    const statements: string[] = [];
    recorded = statements;
    try {
      await work();
    } finally {
      recorded = null;
    }
    return statements;
  };

  return {
    app,
    database,
    services,
    gql,
    async login(email, password = 'threadline-demo') {
      const res = await gql<{ login: { token: string } }>('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email, password } });
      if (!res.data?.login) throw new Error(`login failed for ${email}: ${JSON.stringify(res.errors)}`);
      return res.data.login.token;
    },
    async countStatements(work) {
      return (await recordStatements(work)).length;
    },
    recordStatements,
    close: () => app.close(),
  };
}

/** A second organisation with an admin, for tenant-isolation tests; returns the admin's token. */
export async function createOtherOrganization(api: ApiHarness, slug: string): Promise<{ organizationId: string; token: string }> {
  const org = await api.services.db.prisma.organization.create({ data: { name: `Org ${slug}`, slug } });
  await api.services.db.prisma.user.create({
    data: { organizationId: org.id, email: `admin@${slug}.example`, name: 'Other admin', role: 'ADMIN', passwordHash: await hashPassword('threadline-demo') },
  });
  return { organizationId: org.id, token: await api.login(`admin@${slug}.example`) };
}

/** An HTTP request to the API without a network hop (Fastify inject). */
export async function httpRequest(
  api: ApiHarness,
  options: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string | Buffer },
) {
  const response = await api.app.inject(options);
  return { status: response.statusCode, json: () => response.json() as Record<string, any> };
}
