// `npm run bench:ingest`: telemetry ingest throughput of the HTTP bulk, GraphQL and MQTT paths,
// each beside a raw COPY of the same number of rows into the same table in the same run; MQTT
// single-reading messages beside a bare subscriber that acknowledges without storing; and the
// delay from a point's arrival to its being visible in a query under MQTT load. Loopback only,
// bounded in points and time; makes its own database and MQTT broker and removes them.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mqtt from 'mqtt';
import type pg from 'pg';
import pino from 'pino';
import { from as copyFrom } from 'pg-copy-streams';
import { createPool } from '@threadline/db/client';
import { createSeededDatabase } from '../scripts/test/seeded-database.ts';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { EventIngest } from '@threadline/db/telemetry/events';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { readApiConfig } from '../api/src/config.ts';
import { buildServer } from '../api/src/server.ts';
import { createServices } from '../api/src/services.ts';
import { startTracing } from '@threadline/db/observability/tracing';
import { PostgresSpanExporter } from '@threadline/db/observability/span-store';
import { MqttAdapter } from '../workers/src/adapters/mqtt-adapter.ts';
import { PrivateMosquitto } from '../scripts/test/private-mosquitto.ts';

const POINTS = Number(process.env.BENCH_POINTS ?? 200_000);
const HTTP_BATCH = 10_000;
const GRAPHQL_BATCH = 5_000;
const MQTT_READINGS_PER_MESSAGE = Number(process.env.BENCH_READINGS_PER_MESSAGE ?? 500);
const LOAD_RATE = Number(process.env.BENCH_LOAD_RATE ?? 50_000);
const PROBES = 200;
const SINGLE_MESSAGES = Number(process.env.BENCH_MQTT_MESSAGES ?? 200_000);
const SINGLE_RATE = Number(process.env.BENCH_MQTT_MESSAGE_RATE ?? 25_000);
const out = (line: string) => process.stdout.write(`${line}\n`);

interface Signal {
  id: string;
  address: string;
  protocol: string;
}

/** N rows spread over the signals, one per second per signal, from `start`. */
function rows(signals: Signal[], n: number, start: number): { signal: Signal; time: number; value: number }[] {
  return Array.from({ length: n }, (_, i) => ({
    signal: signals[i % signals.length]!,
    time: start + Math.floor(i / signals.length) * 1000,
    value: (i % 997) / 10,
  }));
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return (performance.now() - t0) / 1000;
}

async function copyRows(pool: pg.Pool, data: ReturnType<typeof rows>): Promise<void> {
  const client = await pool.connect();
  try {
    const now = new Date().toISOString();
    const text = data.map((r) => `${r.signal.id}\t${new Date(r.time).toISOString()}\t${r.value}\t0\t${now}\n`).join('');
    await pipeline(Readable.from([text]), client.query(copyFrom('COPY telemetry (signal_id, time, value, quality, received_at) FROM STDIN')));
  } finally {
    client.release();
  }
}

async function inBatches<T>(items: T[], size: number, concurrency: number, send: (batch: T[]) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const start = next;
        next += size;
        if (start >= items.length) return;
        await send(items.slice(start, start + size));
      }
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const database = await createSeededDatabase();
const databaseUrl = database.url;

const config = readApiConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const services = await createServices(config, pino({ level: 'silent' }));
// Traced and counted as the API runs (api/src/main.ts): the figures include observability's cost.
const tracing = startTracing(new PostgresSpanExporter(services.db.pool, 'api'), config.observability.TRACE_SAMPLE_RATIO);
const app = await buildServer(services);
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
type Fields = Record<string, { token: string; accepted: number }>;
const gql = async (query: string, variables: object, token?: string): Promise<Fields> => {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Fields; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
};
const session = (await gql('mutation { login(input: { email: "admin@northwind.example", password: "threadline-demo" }) { token } }', {})).login!.token;
const apiKey = (await gql('mutation { createApiKey(input: { name: "bench", scopes: ["telemetry:write"] }) { token } }', {}, session)).createApiKey!.token;

const pool = createPool({ url: databaseUrl, role: 'threadline_app', poolSize: 4 });
const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
const signals = (
  await pool.query<{ id: string; source_address: string; source_protocol: string }>(
    'SELECT id, source_address, source_protocol FROM signals WHERE organization_id = $1 ORDER BY id',
    [organizationId],
  )
).rows.map((r) => ({ id: r.id, address: r.source_address, protocol: r.source_protocol }));
const mqttSignals = signals.filter((s) => s.protocol === 'MQTT');
const day = 86_400_000;
const origin = Math.floor(Date.now() / day) * day - 10 * day;

out(`Threadline ingest benchmark: ${POINTS} points per path, ${signals.length} signals, native partitioned storage, 2 cores`);

// Two COPY streams at once, as the HTTP and GraphQL paths below send two requests at once.
const copyData = rows(signals, POINTS, origin);
const half = Math.ceil(POINTS / 2);
const copySeconds = await timed(() => Promise.all([copyRows(pool, copyData.slice(0, half)), copyRows(pool, copyData.slice(half))]));
const copyRate = POINTS / copySeconds;
out(`raw COPY into telemetry (2 streams) ${copyRate.toFixed(0).padStart(8)} points/s  (baseline)`);

const httpRows = rows(signals, POINTS, origin + day);
const httpSeconds = await timed(() =>
  inBatches(httpRows, HTTP_BATCH, 2, async (batch) => {
    const res = await fetch(`${base}/ingest/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(batch.map((r) => ({ signalId: r.signal.id, time: new Date(r.time).toISOString(), value: r.value }))),
    });
    const result = (await res.json()) as { accepted: number };
    if (result.accepted !== batch.length) throw new Error(`HTTP stored ${result.accepted} of ${batch.length}`);
  }),
);
const httpRate = POINTS / httpSeconds;
out(`HTTP bulk (JSON, idempotent)   ${httpRate.toFixed(0).padStart(8)} points/s  ${(httpRate / copyRate).toFixed(2)} × COPY (goal ≥ 0.60)`);

const gqlRows = rows(signals, POINTS, origin + 2 * day);
const gqlSeconds = await timed(() =>
  inBatches(gqlRows, GRAPHQL_BATCH, 2, async (batch) => {
    const data = await gql(
      'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted } }',
      {
        p: batch.map((r) => ({ signalId: r.signal.id, time: new Date(r.time).toISOString(), value: r.value })),
      },
      apiKey,
    );
    if (data.ingestTelemetry!.accepted !== batch.length) throw new Error('GraphQL stored fewer points than sent');
  }),
);
const gqlRate = POINTS / gqlSeconds;
out(`GraphQL batch                  ${gqlRate.toFixed(0).padStart(8)} points/s  ${(gqlRate / copyRate).toFixed(2)} × COPY (goal ≥ 0.30)`);

// MQTT on a broker of the bench's own (configured as docs/operations.md asks of a plant broker).
const broker = await PrivateMosquitto.start();
const MQTT_URL = broker.url;
const prefix = `tl-bench-${randomBytes(3).toString('hex')}/`;
const mqttTopics = mqttSignals.map((s) => prefix + s.address);
/** Runs bench/mqtt-load.mjs in a worker thread and resolves with what it reports. */
const inThread = (data: object) =>
  new Promise<{ sent: number; messages: number; seconds: number }>((resolve, reject) => {
    const worker = new Worker(new URL('./mqtt-load.mjs', import.meta.url), { workerData: { url: MQTT_URL, ...data } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
async function stored(from: number, to: number): Promise<number> {
  return Number((await pool.query('SELECT count(*) FROM telemetry WHERE time >= $1 AND time < $2', [new Date(from), new Date(to)])).rows[0].count);
}
/** Offers readings from the load thread and waits (2 min at most) until `arrived()` counts all it sent; the rate is per second until then. */
async function sustained(load: { rate: number; readingsPerMessage: number; origin: number; count: number }, arrived: () => Promise<number> | number) {
  const started = performance.now();
  const offered = await inThread({ ...load, topics: mqttTopics, durationMs: (load.count / load.rate) * 1000 });
  const deadline = Date.now() + 120_000;
  let count = await arrived();
  while (count < offered.sent && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    count = await arrived();
  }
  return { offered, count, rate: count / ((performance.now() - started) / 1000) };
}

// Single-reading QoS 1 messages, first to a bare subscriber (four connections sharing the topics,
// acknowledging each message on receipt and storing nothing): the ceiling of broker and client here.
let bareReceived = 0;
const bare = await Promise.all(
  [0, 1, 2, 3].map(async (i) => {
    const client = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `tl-bare-${i}-${randomBytes(3).toString('hex')}` });
    client.on('message', () => (bareReceived += 1));
    await client.subscribeAsync(`$share/tl-bare/${prefix}threadline/#`, { qos: 1 });
    return client;
  }),
);
const bareRun = await sustained({ rate: SINGLE_RATE, readingsPerMessage: 1, origin: origin + 8 * day, count: SINGLE_MESSAGES }, () => bareReceived);
await Promise.all(bare.map((client) => client.endAsync()));

// The adapter in this process, storing what it receives.
const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
const adapter = new MqttAdapter({
  url: MQTT_URL,
  organizationId,
  ingest,
  events: new EventIngest(pool),
  log: pino({ level: 'silent' }),
  topicPrefix: prefix,
  clientId: `tl-bench-${randomBytes(3).toString('hex')}`,
  connections: Number(process.env.BENCH_MQTT_CONNECTIONS ?? 4),
});
await adapter.start();
const singleFrom = origin + 3 * day;
const singleRun = await sustained({ rate: SINGLE_RATE, readingsPerMessage: 1, origin: singleFrom, count: SINGLE_MESSAGES }, () =>
  stored(singleFrom, singleFrom + day),
);
const bareRate = bareRun.rate;
out(
  `MQTT single readings, bare subscriber (acknowledges, stores nothing) ${bareRate.toFixed(0).padStart(8)} messages/s  (baseline); sent ${bareRun.offered.messages}, received ${bareRun.count}`,
);
out(
  `MQTT single readings, stored (QoS 1, ${(singleRun.offered.messages / singleRun.offered.seconds).toFixed(0)} messages/s offered) ${singleRun.rate.toFixed(0).padStart(8)} messages/s  ${(singleRun.rate / bareRate).toFixed(2)} × bare (goal ≥ 20000 messages/s); sent ${singleRun.offered.messages}, stored ${singleRun.count}, lost ${singleRun.offered.messages - singleRun.count}`,
);

// Many readings to a message: offered at MQTT_OFFERED_RATE points/s; the rate is what was stored
// divided by the time until the last point was stored, counted in the database.
const MQTT_OFFERED_RATE = Number(process.env.BENCH_MQTT_OFFERED_RATE ?? 80_000);
const batchFrom = origin + 4 * day;
const batchRun = await sustained({ rate: MQTT_OFFERED_RATE, readingsPerMessage: MQTT_READINGS_PER_MESSAGE, origin: batchFrom, count: POINTS }, () =>
  stored(batchFrom, batchFrom + day),
);
out(
  `MQTT sustained (JSON arrays of ${MQTT_READINGS_PER_MESSAGE}, ${(batchRun.offered.sent / batchRun.offered.seconds).toFixed(0)} points/s offered) ${batchRun.rate.toFixed(0).padStart(8)} points/s  ${(batchRun.rate / copyRate).toFixed(2)} × COPY (goal ≥ 50000 points/s); sent ${batchRun.offered.sent}, stored ${batchRun.count}, lost ${batchRun.offered.sent - batchRun.count}`,
);
const publisher = await mqtt.connectAsync(MQTT_URL);

// Arrival to queryable: a probe point on its own topic while a background load (another thread)
// publishes at LOAD_RATE points per second.
let achievedLoad = 0;
async function probeDelays(load: boolean): Promise<number[]> {
  const probeSignal = mqttSignals[0]!;
  const delays: number[] = [];
  const background = load
    ? inThread({
        rate: LOAD_RATE,
        readingsPerMessage: MQTT_READINGS_PER_MESSAGE,
        topics: mqttTopics.slice(1),
        origin: origin + 5 * day,
        durationMs: PROBES * 40,
      }).then((r) => {
        achievedLoad = r.sent / r.seconds;
      })
    : Promise.resolve();
  for (let i = 0; i < PROBES; i += 1) {
    const time = new Date(origin + (load ? 7 : 6) * day + i * 1000);
    const sent = performance.now();
    await publisher.publishAsync(prefix + probeSignal.address, JSON.stringify({ time: time.toISOString(), value: i }), { qos: 1 });
    for (;;) {
      const { rows: found } = await pool.query('SELECT 1 FROM telemetry WHERE signal_id = $1 AND time = $2', [probeSignal.id, time]);
      if (found.length > 0) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    delays.push(performance.now() - sent);
    await new Promise((r) => setTimeout(r, 20));
  }
  await background;
  return delays.sort((a, b) => a - b);
}
const idle = await probeDelays(false);
const loaded = await probeDelays(true);
out(`arrival → queryable, idle      p50 ${percentile(idle, 50).toFixed(1)} ms, p99 ${percentile(idle, 99).toFixed(1)} ms  (baseline)`);
out(
  `arrival → queryable, ${achievedLoad.toFixed(0)} points/s load  p50 ${percentile(loaded, 50).toFixed(1)} ms, p99 ${percentile(loaded, 99).toFixed(1)} ms  ${(percentile(loaded, 99) / percentile(idle, 99)).toFixed(2)} × idle (goal p99 < 500 ms)`,
);

await publisher.endAsync();
await adapter.stop();
await broker.stop();
await pool.end();
await tracing.shutdown();
await app.close();
await database.drop();
