// `npm run bench:fairness` (issue 17, item 2): what one heavy reader costs everyone else. A signal
// gets 300,000 raw points; then, in the same run, /health and a second caller's small read are
// timed alone (the baseline) and again while one API key sends the heaviest operation the read
// budget lets through (10 aliases of 10,000 raw points) on 8 connections. Prints p50/p99 of each
// beside its baseline (a ratio), and how fast the attacker's 20-alias operation is refused.
// Makes its own database and removes it; bounded in time.
import autocannon, { type Result } from 'autocannon';
import { createSeededDatabase } from '../scripts/test/seeded-database.ts';
import { startListeningApi } from './listening-api.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const POINTS = 300_000;
const out = (line: string) => process.stdout.write(`${line}\n`);

const database = await createSeededDatabase();
try {
  const { services, app, base, gql } = await startListeningApi(database.url);
  const admin = (await gql('mutation { login(input: { email: "admin@northwind.example", password: "threadline-demo" }) { token } }')).data!.login!.token!;
  const keyOf = async (name: string) =>
    (await gql(`mutation { createApiKey(input: { name: "${name}", scopes: ["read"] }) { token } }`, admin)).data!.createApiKey!.token!;
  const [heavyKey, otherKey] = [await keyOf('heavy'), await keyOf('other')];

  const signalId = (await services.db.pool.query<{ id: string }>("SELECT id FROM signals WHERE data_type = 'NUMBER' ORDER BY id LIMIT 1")).rows[0]!.id;
  const from = new Date(Date.now() - 2 * 86_400_000);
  await services.db.pool.query(
    `INSERT INTO telemetry (signal_id, time, value, quality, received_at)
     SELECT $1, $2::timestamptz + make_interval(secs => i * 0.5), i % 97, 0, now() FROM generate_series(0, $3 - 1) i ON CONFLICT DO NOTHING`,
    [signalId, from, POINTS],
  );
  await services.db.pool.query('ANALYZE telemetry'); // as autovacuum would after a bulk load
  const range = `{ signalId: "${signalId}", from: "${from.toISOString()}", to: "${new Date(Date.now() - 60_000).toISOString()}"`;
  const aliases = (n: number, limit: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `a${i}: telemetry(range: ${range}, limit: ${limit} }) { time value }`).join(' ')} }`;
  const small = JSON.stringify({ query: aliases(1, 100) });
  const heavy = JSON.stringify({ query: aliases(10, 10_000) });

  const health = () => autocannon({ url: `${base}/health`, connections: 1, duration: SECONDS });
  const smallRead = () =>
    autocannon({
      url: `${base}/graphql`,
      method: 'POST',
      body: small,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${otherKey}` },
      connections: 1,
      duration: SECONDS,
    });
  const line = (label: string, r: Result, baseline?: Result) =>
    `${label.padEnd(40)} p50 ${String(r.latency.p50).padStart(5)} ms   p99 ${String(r.latency.p99).padStart(5)} ms   errors ${r.errors + r.non2xx}` +
    (baseline ? `   p99 ${(r.latency.p99 / Math.max(1, baseline.latency.p99)).toFixed(1)} × baseline` : '   (baseline)');

  const started = performance.now();
  const refused = await gql(aliases(20, 10_000), heavyKey);
  const refusedMs = performance.now() - started;

  out(
    `${POINTS} raw points on one signal; ${SECONDS} s per measurement, loopback; heavy = 10 aliases × 10,000 raw points (${(heavy.length / 1024).toFixed(1)} KiB query) on 8 connections`,
  );
  const healthAlone = await health();
  const smallAlone = await smallRead();
  out(line('/health alone', healthAlone));
  out(line("another key's 100-point read alone", smallAlone));
  const load = autocannon({
    url: `${base}/graphql`,
    method: 'POST',
    body: heavy,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${heavyKey}` },
    connections: 8,
    duration: SECONDS * 2,
  });
  const [healthLoaded, smallLoaded] = [await health(), await smallRead()];
  const heavyResult = await load;
  out(line('/health beside the heavy reader', healthLoaded, healthAlone));
  out(line("another key's read beside the heavy reader", smallLoaded, smallAlone));
  out(`heavy reader: ${heavyResult.requests.average.toFixed(1)} req/s, p99 ${heavyResult.latency.p99} ms, errors ${heavyResult.errors + heavyResult.non2xx}`);
  out(`20 aliases × 10,000 points (the attack): refused in ${refusedMs.toFixed(0)} ms: ${refused.errors?.[0]?.message ?? 'NOT REFUSED'}`);
  await app.close();
} finally {
  await database.drop();
}
