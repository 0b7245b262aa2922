// Chaos under ingest: PostgreSQL crashed (`pg_ctl stop -m immediate`) and restarted several times
// while a gateway sends telemetry batches to the HTTP bulk endpoint and another publishes to MQTT
// (QoS 1, on a topic prefix of the run's own), with the workers storing the MQTT points and rolling
// everything up. The HTTP gateway behaves as the API asks: a batch is done when answered 2xx, and
// resent after Retry-After otherwise; the MQTT gateway's message is done when the broker
// acknowledges it (the workers' adapter acknowledges only what it stored, so the broker redelivers
// the rest). Afterwards every point is stored once with its value, the API has accepted each once
// (a resend of a batch whose answer the crash swallowed reports duplicates), the workers' rollups
// count every point, and the audit chain is intact.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import mqtt from 'mqtt';
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
/** MQTT: messages of MQTT_READINGS readings each, spread over the MQTT signals, paced over the run. */
const MQTT_MESSAGES = 400;
const MQTT_READINGS = 50;
const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

export async function postgresCrashedDuringIngest(context: ChaosContext, crashes: number): Promise<Outcome> {
  out(`PostgreSQL crashed (pg_ctl stop -m immediate) ${crashes} times during ingest`);
  const cluster = await PrivatePostgres.start();
  const database = await createSeededDatabase(cluster.url());
  const { api, client } = await ApiClient.process({ DATABASE_URL: database.url, AUDIT_SIGNING_KEY: context.pem, MODEL_SIGNING_KEY: context.pem });
  const topicPrefix = `chaos-${randomBytes(4).toString('hex')}/`;
  const workers = new ServiceProcess('workers', {
    ...serviceEnv(context, 'chaos-pg', database.url),
    TELEMETRY_ROLLUP_EVERY_SECONDS: '2',
    MQTT_URL,
    MQTT_TOPIC_PREFIX: topicPrefix,
    PLANT_ORGANIZATION: 'northwind',
  });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => undefined);
  try {
    api.start();
    workers.start();
    await client.ready();
    const admin = await client.login('admin@northwind.example');
    const key = (
      await client.gql<{ createApiKey: { token: string } }>(
        'mutation { createApiKey(input: { name: "chaos gateway", scopes: ["telemetry:write"] }) { token } }',
        {},
        admin,
      )
    ).body!.data!.createApiKey.token;
    const signals = (await pool.query<{ id: string }>("SELECT id FROM signals WHERE data_type = 'NUMBER' ORDER BY id LIMIT $1", [SIGNALS])).rows.map(
      (r) => r.id,
    );
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 6 * 3_600_000;
    const value = (b: number, j: number) => ((b * PER_BATCH + j) % 9_973) / 8;
    const body = (b: number) =>
      JSON.stringify(
        Array.from({ length: PER_BATCH }, (_, j) => ({
          signalId: signals[j % SIGNALS],
          time: new Date(start + (b * STEPS + Math.floor(j / SIGNALS)) * 1_000).toISOString(),
          value: value(b, j),
        })),
      );

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
    // The MQTT gateway: readings two hours before the HTTP ones, so the two never share a point.
    const mqttSignals = (
      await pool.query<{ id: string; source_address: string }>(
        "SELECT id, source_address FROM signals WHERE source_protocol = 'MQTT' AND data_type = 'NUMBER' ORDER BY id LIMIT 20",
      )
    ).rows;
    const mqttStart = start - 2 * 3_600_000;
    const perTopic = MQTT_MESSAGES / mqttSignals.length;
    const mqttValue = (m: number, r: number) => ((m * MQTT_READINGS + r) % 7_919) / 4;
    const publisher = await mqtt.connectAsync(MQTT_URL, { clientId: `${topicPrefix}gateway`, reconnectPeriod: 500 });
    let published = 0;
    const publishing = (async () => {
      for (let m = 0; m < MQTT_MESSAGES && Date.now() < deadline; m += 1) {
        const signal = mqttSignals[m % mqttSignals.length]!;
        const first = mqttStart + Math.floor(m / mqttSignals.length) * MQTT_READINGS * 1_000;
        const readings = Array.from({ length: MQTT_READINGS }, (_, r) => ({ t: new Date(first + r * 1_000).toISOString(), v: mqttValue(m, r) }));
        await publisher.publishAsync(`${topicPrefix}${signal.source_address}`, JSON.stringify(readings), { qos: 1 });
        published += 1;
        await sleep(((BATCHES / PACE) * 1_000) / MQTT_MESSAGES);
      }
    })();
    const sending = Promise.all([...Array.from({ length: SENDERS }, sender), publishing]);

    const resumed: number[] = [];
    for (let crash = 1; crash <= crashes; crash += 1) {
      while (acknowledged < (crash * BATCHES) / (crashes + 1) && Date.now() < deadline) await sleep(20);
      await cluster.crash();
      await sleep(DOWN_MS);
      await cluster.restart();
      const back = Date.now();
      while (lastOk < back && Date.now() - back < 60_000) await sleep(20);
      resumed.push(lastOk >= back ? lastOk - back : -1);
      out(
        `  crash ${crash}/${crashes}: ${acknowledged} of ${BATCHES} batches acknowledged; ingest answered again ${lastOk >= back ? `${lastOk - back} ms` : 'NOT within 60 s'} after PostgreSQL was back`,
      );
    }
    await sending;
    await publisher.endAsync();

    const total = acknowledged * PER_BATCH;
    const mqttTotal = published * MQTT_READINGS;
    let mqttSum = 0;
    for (let m = 0; m < published; m += 1) for (let r = 0; r < MQTT_READINGS; r += 1) mqttSum += mqttValue(m, r);
    const mqttStored = await waitForPoints(
      pool,
      mqttSignals.map((x) => x.id),
      mqttStart,
      mqttStart + perTopic * MQTT_READINGS * 1_000,
      mqttTotal,
    );
    const stored = await waitForPoints(pool, signals, start, start + BATCHES * STEPS * 1_000, total);
    let expectedSum = 0;
    for (let b = 0; b < acknowledged; b += 1) for (let j = 0; j < PER_BATCH; j += 1) expectedSum += value(b, j);
    const rolledUp = await waitForRollups(pool, [...new Set([...signals, ...mqttSignals.map((x) => x.id)])], mqttStart, total + mqttTotal);

    const failures: string[] = [];
    if (acknowledged < BATCHES) failures.push(`only ${acknowledged} of ${BATCHES} batches acknowledged in 300 s`);
    // Each point is accepted once; a batch stored before a crash swallowed its answer is reported as duplicates when resent.
    if (accepted + duplicates !== total || accepted !== total - swallowed * PER_BATCH)
      failures.push(`the API reported ${accepted} accepted and ${duplicates} duplicates for ${total} points`);
    if (Math.abs(stored.sum - expectedSum) > 1e-6 * Math.max(1, expectedSum)) failures.push('stored values differ from those sent');
    if (resumed.some((ms) => ms < 0)) failures.push('ingest did not answer again within 60 s of a restart');
    if ((answers.get(500) ?? 0) > 0) failures.push(`${answers.get(500)} answers were 500 (an outage must answer 503)`);
    if (rolledUp.count !== total + mqttTotal)
      failures.push(`1-minute rollups count ${rolledUp.count} of ${total + mqttTotal} points (${await rollupBacklog(pool, context)})`);
    if (published < MQTT_MESSAGES) failures.push(`only ${published} of ${MQTT_MESSAGES} MQTT messages acknowledged by the broker`);
    if (mqttStored.distinct === mqttTotal && Math.abs(mqttStored.sum - mqttSum) > 1e-6 * Math.max(1, mqttSum))
      failures.push('stored MQTT values differ from those published');
    const outcome: Outcome = {
      scenario: `PostgreSQL crashed ${crashes} times during ingest`,
      sent: `HTTP ${BATCHES} batches of ${PER_BATCH} points (${BATCHES * PER_BATCH}), ${resends} resends; MQTT ${MQTT_MESSAGES} messages of ${MQTT_READINGS} readings (${MQTT_MESSAGES * MQTT_READINGS})`,
      done: `${acknowledged} batches acknowledged (answers ${[...answers]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status === 0 ? 'none' : status} ×${n}`)
        .join(', ')}); ${published} MQTT messages acknowledged by the broker`,
      stored: `HTTP ${stored.distinct} of ${total} points, MQTT ${mqttStored.distinct} of ${mqttTotal}, values as sent`,
      lost: total - stored.distinct + mqttTotal - mqttStored.distinct,
      duplicated: stored.rows - stored.distinct + mqttStored.rows - mqttStored.distinct,
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

/** Waits until `total` points of the signals in [from, to) are stored (the MQTT adapter stores behind the broker), or 120 s pass. */
async function waitForPoints(
  pool: pg.Pool,
  signals: string[],
  from: number,
  to: number,
  total: number,
): Promise<{ rows: number; distinct: number; sum: number }> {
  const began = Date.now();
  for (;;) {
    const {
      rows: [stored],
    } = await pool.query<{ rows: number; distinct: number; sum: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (signal_id, time))::int AS distinct, coalesce(sum(value), 0)::float8 AS sum
         FROM telemetry WHERE signal_id = ANY($1::uuid[]) AND time >= $2 AND time < $3`,
      [signals, new Date(from), new Date(to)],
    );
    if (stored!.distinct >= total || Date.now() - began > 120_000) return stored!;
    await sleep(500);
  }
}

/** What is left to roll up and where the rollup job stands, to say why rollups lag. */
async function rollupBacklog(pool: pg.Pool, context: ChaosContext): Promise<string> {
  const dirty = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry_dirty')).rows[0]!.n;
  const queue = new Queue('maintenance', { connection: { url: context.redis.url, maxRetriesPerRequest: null }, prefix: 'chaos-pg' });
  try {
    const jobs = await queue.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed');
    const active = (await queue.getJobs(['active'])).map((j) => `${j.name} since ${new Date(j.processedOn ?? 0).toISOString()}`);
    const busy = (
      await pool.query<{ q: string }>(
        "SELECT state || ' ' || coalesce(wait_event_type, '') || ':' || coalesce(wait_event, '') || ' ' || left(query, 80) AS q FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      )
    ).rows.map((r) => r.q);
    return `${dirty} minutes marked for rollup; maintenance jobs ${JSON.stringify(jobs)}, active ${active.join(', ')}; database sessions at work: ${busy.join(' | ') || 'none'}`;
  } finally {
    await queue.close();
  }
}

/** Waits until the workers' 1-minute rollups count `total` points of the signals (or 120 s pass). */
async function waitForRollups(pool: pg.Pool, signals: string[], start: number, total: number): Promise<{ count: number; ms: number }> {
  const began = Date.now();
  let count = 0;
  while (Date.now() - began < 120_000) {
    count = (
      await pool.query<{ n: number }>('SELECT coalesce(sum(count), 0)::int AS n FROM telemetry_1m WHERE signal_id = ANY($1::uuid[]) AND bucket >= $2', [
        signals,
        new Date(start),
      ])
    ).rows[0]!.n;
    if (count === total) return { count, ms: Date.now() - began };
    await sleep(500);
  }
  return { count, ms: -1 };
}
