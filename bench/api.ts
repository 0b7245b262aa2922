// `npm run bench:api`: the API under load (autocannon, loopback): the portal's overview query and
// the HTTP bulk ingest endpoint, each beside a minimal Fastify handler that runs the very SQL the
// API ran for one such request (recorded from the driver, replayed on one connection) in the same
// run. Prints requests/s and p50/p99 latency with the ratio API / minimal. Makes its own database
// and removes it; bounded in time. Beside each rate, the bench process's CPU time per request: the
// API is bound by it, the replay by round trips.
import autocannon, { type Result } from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { createPool } from '@threadline/db/client';
import { OVERVIEW_QUERY } from '../web/app/overview-view.ts';
import { createSeededDatabase } from '../scripts/test/seeded-database.ts';
import { startListeningApi } from './listening-api.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const INGEST_BATCH = Number(process.env.BENCH_INGEST_BATCH ?? 500);
const out = (line: string) => process.stdout.write(`${line}\n`);

interface Statement {
  text: string;
  values?: unknown[];
  rowMode?: string;
}

/** Records every statement the pg driver sends while `work` runs (queries given as text or as config). */
async function recordSql(work: () => Promise<unknown>): Promise<Statement[]> {
  const recorded: Statement[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args as [string | Statement, unknown[] | undefined];
    if (typeof first === 'string') recorded.push({ text: first, ...(Array.isArray(second) ? { values: second } : {}) });
    else if (first && typeof first === 'object' && typeof first.text === 'string')
      recorded.push({ text: first.text, ...(first.values ? { values: first.values } : {}), ...(first.rowMode ? { rowMode: first.rowMode } : {}) });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return recorded;
}

/** One load run, with this process's CPU time per request (the server under test, its driver and autocannon share it). */
async function load(url: string, body: string, headers: Record<string, string>): Promise<Result & { cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const cpu = process.cpuUsage(before);
  return { ...result, cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, result.requests.total) };
}

const line = (label: string, r: Result & { cpuMs: number }) =>
  `${label.padEnd(34)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   cpu ${r.cpuMs.toFixed(2).padStart(5)} ms/req   errors ${r.errors + r.non2xx}`;

const database = await createSeededDatabase();
try {
  const { services, app, base, gql: answer } = await startListeningApi(database.url);
  const gql = async (query: string, token?: string) => {
    const json = await answer(query, token);
    if (json.errors) throw new Error(json.errors[0]!.message);
    return json.data!;
  };
  const session = (await gql('mutation { login(input: { email: "viewer@northwind.example", password: "threadline-demo" }) { token } }')).login!.token!;
  const admin = (await gql('mutation { login(input: { email: "admin@northwind.example", password: "threadline-demo" }) { token } }')).login!.token!;
  const key = (await gql('mutation { createApiKey(input: { name: "bench", scopes: ["telemetry:write"] }) { token } }', admin)).createApiKey!.token!;
  // As the workers do on start: the ROI snapshots the overview's portfolio is served from.
  await gql('mutation { recomputeBusinessValue { snapshots } }', admin);

  const overviewBody = JSON.stringify({ query: OVERVIEW_QUERY });
  const signals = (await services.db.pool.query<{ id: string }>("SELECT id FROM signals WHERE data_type = 'NUMBER' ORDER BY id LIMIT 50")).rows;
  const start = Date.now() - 3_600_000;
  const ingestBody = JSON.stringify({
    points: Array.from({ length: INGEST_BATCH }, (_, i) => ({
      signalId: signals[i % signals.length]!.id,
      time: new Date(start + Math.floor(i / signals.length) * 1000).toISOString(),
      value: i % 97,
    })),
  });
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    });
  // Warm once (first ingest stores the batch; every later one is the idempotent re-send the load sends).
  await post('/graphql', overviewBody, { authorization: `Bearer ${session}` });
  await post('/ingest/telemetry', ingestBody, { authorization: `Bearer ${key}` });
  const overviewSql = await recordSql(() => post('/graphql', overviewBody, { authorization: `Bearer ${session}` }));
  const ingestSql = await recordSql(() => post('/ingest/telemetry', ingestBody, { authorization: `Bearer ${key}` }));

  // The minimal handler: the recorded statements on one connection, in order, nothing else.
  const pool = createPool({ url: database.url, role: services.config.db.DATABASE_APP_ROLE, poolSize: services.config.db.DATABASE_POOL_SIZE });
  const minimal = Fastify();
  const replay = (statements: Statement[]) => async () => {
    const client = await pool.connect();
    try {
      for (const s of statements) await client.query(s as pg.QueryConfig);
    } finally {
      client.release();
    }
    return { ok: true };
  };
  minimal.post('/overview', replay(overviewSql));
  minimal.post('/ingest', replay(ingestSql));
  await minimal.listen({ host: '127.0.0.1', port: 0 });
  const minimalBase = `http://127.0.0.1:${(minimal.server.address() as { port: number }).port}`;

  out(
    `${CONNECTIONS} connections, ${SECONDS} s each, loopback; overview = the portal's first request (${overviewSql.length} SQL statements), ingest = ${INGEST_BATCH} points re-sent (${ingestSql.length} statements)`,
  );
  const apiOverview = await load(`${base}/graphql`, overviewBody, { authorization: `Bearer ${session}` });
  const minOverview = await load(`${minimalBase}/overview`, '{}', {});
  out(line('overview: minimal handler', minOverview) + '   (baseline)');
  out(`${line('overview: GraphQL API', apiOverview)}   ${(apiOverview.requests.average / minOverview.requests.average).toFixed(2)} × baseline req/s`);
  const apiIngest = await load(`${base}/ingest/telemetry`, ingestBody, { authorization: `Bearer ${key}` });
  const minIngest = await load(`${minimalBase}/ingest`, '{}', {});
  out(line('ingest: minimal handler', minIngest) + '   (baseline)');
  out(
    `${line('ingest: HTTP bulk endpoint', apiIngest)}   ${(apiIngest.requests.average / minIngest.requests.average).toFixed(2)} × baseline req/s, ${(apiIngest.requests.average * INGEST_BATCH).toFixed(0)} points/s`,
  );
  await minimal.close();
  await pool.end();
  await app.close();
} finally {
  await database.drop();
}
