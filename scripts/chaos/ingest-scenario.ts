// Chaos under ingest: PostgreSQL crashed (`pg_ctl stop -m immediate`) and restarted several times
// while a gateway sends telemetry batches to the HTTP bulk endpoint, with the workers rolling the
// points up. The gateway behaves as the API asks: a batch is done when answered 2xx, and resent
// after Retry-After otherwise. Afterwards every point is stored once with its value, the API has
// accepted each once (a resend of a batch whose answer the crash swallowed reports duplicates),
// the workers' rollups count every point, and the audit chain is intact.
import pg from 'pg';
import { PrivatePostgres } from '../test/private-postgres.ts';
import { createSeededDatabase } from '../test/seeded-database.ts';
import { ApiClient } from './api-client.ts';
import { serviceEnv, type ChaosContext } from './context.ts';
import { checkAuditChains, out, sleep, type Outcome } from './outcome.ts';
import { ServiceProcess } from './service-process.ts';

const BATCHES = 400;
const SIGNALS = 50;
/** Time steps per batch: each batch holds SIGNALS × STEPS points, none shared with another batch. */
const STEPS = 20;
const PER_BATCH = SIGNALS * STEPS;
const SENDERS = 4;
/** Batches per second the gateway sends, so the crashes fall into the run and not after it. */
const PACE = 40;
const DOWN_MS = 3_000;

interface IngestAnswer { accepted: number; duplicates: number; rejected: unknown[] }

export async function postgresCrashedDuringIngest(context: ChaosContext, crashes: number): Promise<Outcome> {
  out(`PostgreSQL crashed (pg_ctl stop -m immediate) ${crashes} times during ingest`);
  const cluster = await PrivatePostgres.start();
  const database = await createSeededDatabase(cluster.url());
  const { api, client } = await ApiClient.process({ DATABASE_URL: database.url, AUDIT_SIGNING_KEY: context.pem, MODEL_SIGNING_KEY: context.pem });
  const workers = new ServiceProcess('workers', { ...serviceEnv(context, 'chaos-pg', database.url), TELEMETRY_ROLLUP_EVERY_SECONDS: '2' });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => undefined);
  try {
    api.start();
    workers.start();
    await client.ready();
    const admin = await client.login('admin@northwind.example');
    const key = (await client.gql<{ createApiKey: { token: string } }>('mutation { createApiKey(input: { name: "chaos gateway", scopes: ["telemetry:write"] }) { token } }', {}, admin)).body!.data!.createApiKey.token;
    const signals = (await pool.query<{ id: string }>("SELECT id FROM signals WHERE data_type = 'NUMBER' ORDER BY id LIMIT $1", [SIGNALS])).rows.map((r) => r.id);
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 6 * 3_600_000;
    const value = (b: number, j: number) => ((b * PER_BATCH + j) % 9_973) / 8;
    const body = (b: number) => JSON.stringify(Array.from({ length: PER_BATCH }, (_, j) => ({
      signalId: signals[j % SIGNALS], time: new Date(start + (b * STEPS + Math.floor(j / SIGNALS)) * 1_000).toISOString(), value: value(b, j),
    })));

    // The gateway: SENDERS loops taking the next batch, each resent until answered 2xx.
    const answers = new Map<number, number>();
    let next = 0;
    let acknowledged = 0;
    let accepted = 0;
    let duplicates = 0;
    let swallowed = 0;
    let resends = 0;
    let lastOk = 0;
    const deadline = Date.now() + 300_000;
    const sender = async () => {
      for (let b = next++; b < BATCHES && Date.now() < deadline; b = next++) {
        const paced = Date.now();
        for (let attempt = 0; Date.now() < deadline; attempt += 1) {
          const res = await client.request<IngestAnswer>('POST', '/ingest/telemetry', body(b), key);
          answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
          if (res.status === 200) {
            acknowledged += 1;
            accepted += res.body!.accepted;
            duplicates += res.body!.duplicates;
            if (res.body!.duplicates > 0) swallowed += 1;
            lastOk = Date.now();
            break;
          }
          resends += 1;
          await sleep(res.retryAfter ? res.retryAfter * 1_000 : 250);
        }
        await sleep(Math.max(0, (SENDERS * 1_000) / PACE - (Date.now() - paced)));
      }
    };
    const sending = Promise.all(Array.from({ length: SENDERS }, sender));

    const resumed: number[] = [];
    for (let crash = 1; crash <= crashes; crash += 1) {
      while (acknowledged < (crash * BATCHES) / (crashes + 1) && Date.now() < deadline) await sleep(20);
      await cluster.crash();
      await sleep(DOWN_MS);
      await cluster.restart();
      const back = Date.now();
      while (lastOk < back && Date.now() - back < 60_000) await sleep(20);
      resumed.push(lastOk >= back ? lastOk - back : -1);
      out(`  crash ${crash}/${crashes}: ${acknowledged} of ${BATCHES} batches acknowledged; ingest answered again ${lastOk >= back ? `${lastOk - back} ms` : 'NOT within 60 s'} after PostgreSQL was back`);
    }
    await sending;

    const total = acknowledged * PER_BATCH;
    const { rows: [stored] } = await pool.query<{ rows: number; distinct: number; sum: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (signal_id, time))::int AS distinct, coalesce(sum(value), 0)::float8 AS sum
         FROM telemetry WHERE signal_id = ANY($1::uuid[]) AND time >= $2 AND time < $3`, [signals, new Date(start), new Date(start + BATCHES * STEPS * 1_000)]);
    let expectedSum = 0;
    for (let b = 0; b < acknowledged; b += 1) for (let j = 0; j < PER_BATCH; j += 1) expectedSum += value(b, j);
    const rolledUp = await waitForRollups(pool, signals, start, total);

    const failures: string[] = [];
    if (acknowledged < BATCHES) failures.push(`only ${acknowledged} of ${BATCHES} batches acknowledged in 300 s`);
    // Each point is accepted once; a batch stored before a crash swallowed its answer is reported as duplicates when resent.
    if (accepted + duplicates !== total || accepted !== total - swallowed * PER_BATCH) failures.push(`the API reported ${accepted} accepted and ${duplicates} duplicates for ${total} points`);
    if (Math.abs(stored!.sum - expectedSum) > 1e-6 * Math.max(1, expectedSum)) failures.push('stored values differ from those sent');
    if (resumed.some((ms) => ms < 0)) failures.push('ingest did not answer again within 60 s of a restart');
    if ((answers.get(500) ?? 0) > 0) failures.push(`${answers.get(500)} answers were 500 (an outage must answer 503)`);
    if (rolledUp.count !== total) failures.push(`1-minute rollups count ${rolledUp.count} of ${total} points`);
    const outcome: Outcome = {
      scenario: `PostgreSQL crashed ${crashes} times during ingest`,
      sent: `${BATCHES} batches of ${PER_BATCH} points (${BATCHES * PER_BATCH}), ${resends} resends`,
      done: `${acknowledged} acknowledged; answers ${[...answers].sort(([a], [b]) => a - b).map(([status, n]) => `${status === 0 ? 'none' : status} ×${n}`).join(', ')}`,
      stored: `${stored!.distinct} of ${total} points, values as sent`,
      lost: total - stored!.distinct,
      duplicated: stored!.rows - stored!.distinct,
      notes: [
        `${swallowed} batches stored but their answer lost in a crash, resent and reported as duplicates`,
        `ingest answered again ${resumed.map((ms) => `${(ms / 1000).toFixed(1)}`).join(', ')} s after each restart`,
        `1-minute rollups count every point ${rolledUp.ms < 0 ? 'NOT within 120 s' : `${(rolledUp.ms / 1000).toFixed(1)} s after the last batch`}`,
      ],
      failures,
    };
    await checkAuditChains(pool, context.pem, outcome);
    return outcome;
  } finally {
    await api.kill('SIGTERM');
    await workers.kill('SIGTERM');
    await pool.end();
    await cluster.stop();
  }
}

/** Waits until the workers' 1-minute rollups count `total` points of the signals (or 120 s pass). */
async function waitForRollups(pool: pg.Pool, signals: string[], start: number, total: number): Promise<{ count: number; ms: number }> {
  const began = Date.now();
  let count = 0;
  while (Date.now() - began < 120_000) {
    count = (await pool.query<{ n: number }>('SELECT coalesce(sum(count), 0)::int AS n FROM telemetry_1m WHERE signal_id = ANY($1::uuid[]) AND bucket >= $2',
      [signals, new Date(start)])).rows[0]!.n;
    if (count === total) return { count, ms: Date.now() - began };
    await sleep(500);
  }
  return { count, ms: -1 };
}
