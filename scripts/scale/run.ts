// `npm run scale`: Threadline beyond one machine, on this machine. First the single-node layout (one
// API, one workers process, PostgreSQL direct, one Redis, no ingest log) takes a load of HTTP bulk
// batches and single-reading MQTT messages; then the distributed layout (docs/scaling.md: two APIs
// and two workers processes through PgBouncer, reads on a streaming replica, queues on a Redis
// Cluster, the NATS JetStream ingest log) takes the same load plus inference jobs while one NATS
// node is killed, the queues' Redis master is failed over, one API and one workers process are
// SIGKILLed (and started again, as a supervisor would) and the replica is restarted. It checks
// every point stored once, every scoring window scored once and the audit chains intact, and ends
// with `scale: sent N, stored N, lost 0, duplicated 0, P points/s (R × single node, same run)`.
// SCALE_HTTP_BATCHES, SCALE_MQTT_RATE and SCALE_SECONDS change the load.
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import mqtt from 'mqtt';
import type pg from 'pg';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { freePort } from '../test/free-port.ts';
import { prepareInferenceFixture } from '../test/inference-fixture.ts';
import { waitFor } from '../test/wait-for.ts';
import { checkAuditChains, out, sleep, type Outcome } from '../chaos/outcome.ts';
import { counts, pending } from '../chaos/context.ts';
import { ServiceProcess } from '../chaos/service-process.ts';
import { queueConnection, queuePrefix, redisTarget } from '../../workers/src/redis-target.ts';
import { bringUp, type Topology } from './topology.ts';
import { sendHttp, sendMqtt } from './load.ts';

const HTTP_BATCHES = Number(process.env.SCALE_HTTP_BATCHES ?? 120);
const MQTT_RATE = Number(process.env.SCALE_MQTT_RATE ?? 3_000);
const SECONDS = Number(process.env.SCALE_SECONDS ?? 40);
const DAY = 86_400_000;
const HOUR = 3_600_000;

interface Phase {
  sent: number;
  stored: number;
  seconds: number;
  rate: number;
  notes: string[];
}

interface Services {
  apis: { process: ServiceProcess; url: string }[];
  workers: ServiceProcess[];
}

/** Starts the processes into `started` (so that they are stopped even when one never answers). */
async function startServices(envOf: (name: string) => Record<string, string>, apis: number, workers: number, started: Services): Promise<void> {
  for (let i = 0; i < apis; i += 1) {
    const port = await freePort();
    const process = new ServiceProcess('api', { ...envOf(`api${i}`), API_PORT: String(port) }, logFile(`api${i}`));
    process.start();
    started.apis.push({ process, url: `http://127.0.0.1:${port}` });
  }
  for (let i = 0; i < workers; i += 1) {
    const process = new ServiceProcess('workers', { ...envOf(`w${i}`), WORKER_LOCK_MS: '5000' }, logFile(`w${i}`));
    process.start();
    started.workers.push(process);
  }
  for (const api of started.apis) await healthy(api.url);
}

/** Where a process's warnings and errors go: SCALE_LOG_DIR, or a directory of the run's own. */
const logDir = process.env.SCALE_LOG_DIR ?? mkdtempSync(join(tmpdir(), 'tl-scale-logs-'));
const logFile = (name: string) => join(logDir, `${name}.log`);

const healthy = (url: string) =>
  waitFor(`${url}/health to answer`, async () => (await fetch(`${url}/health`).catch(() => null))?.ok === true, { timeoutMs: 120_000, everyMs: 250 });

async function gql(api: string, query: string, token?: string): Promise<Record<string, { token: string }>> {
  const res = await fetch(`${api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: Record<string, { token: string }>; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function apiKeyOn(api: string): Promise<string> {
  const admin = (await gql(api, 'mutation { login(input: { email: "admin@northwind.example", password: "threadline-demo" }) { token } }')).login!.token;
  return (await gql(api, 'mutation { createApiKey(input: { name: "scale", scopes: ["telemetry:write"] }) { token } }', admin)).createApiKey!.token;
}

async function storedBetween(pool: pg.Pool, signals: string[], from: number, to: number): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM telemetry WHERE signal_id = ANY($1::uuid[]) AND time >= $2 AND time < $3', [
    signals,
    new Date(from),
    new Date(to),
  ]);
  return rows[0].n as number;
}

/** One layout under the load (and `faults`, started with it); stops its services afterwards. */
async function phase(
  name: string,
  topology: Topology,
  pool: pg.Pool,
  signals: { http: string[]; mqtt: { id: string; address: string }[] },
  layout: { envOf: (name: string) => Record<string, string>; apis: number; workers: number; topicPrefix: string; origin: number },
  faults: (services: Services) => Promise<string[]> = async () => [],
): Promise<Phase> {
  out(`[${name}] starting ${layout.apis} API and ${layout.workers} workers process(es)`);
  const services: Services = { apis: [], workers: [] };
  try {
    return await underLoad(name, topology, pool, signals, layout, faults, services);
  } finally {
    for (const api of services.apis) await api.process.kill('SIGTERM');
    for (const workers of services.workers) await workers.kill('SIGTERM');
  }
}

async function underLoad(
  name: string,
  topology: Topology,
  pool: pg.Pool,
  signals: { http: string[]; mqtt: { id: string; address: string }[] },
  layout: { envOf: (name: string) => Record<string, string>; apis: number; workers: number; topicPrefix: string; origin: number },
  faults: (services: Services) => Promise<string[]>,
  services: Services,
): Promise<Phase> {
  await startServices(layout.envOf, layout.apis, layout.workers, services);
  const apiKey = await apiKeyOn(services.apis[0]!.url);
  const mqttIds = signals.mqtt.map((s) => s.id);
  // Ready when a probe reading published over MQTT is stored (the adapters subscribed, the path works).
  const probe = await mqtt.connectAsync(topology.broker.url);
  const probeTime = layout.origin - HOUR;
  await waitFor(
    `[${name}] an MQTT probe to be stored`,
    async () => {
      await probe.publishAsync(layout.topicPrefix + signals.mqtt[0]!.address, JSON.stringify({ time: probeTime, value: 1 }), { qos: 1 });
      return (await storedBetween(pool, [signals.mqtt[0]!.id], probeTime, probeTime + 1)) === 1;
    },
    { timeoutMs: 120_000, everyMs: 1_000 },
  );
  await probe.endAsync();
  out(
    `[${name}] load: ${HTTP_BATCHES} HTTP batches of 1,000 points to ${services.apis.length} API(s), ${MQTT_RATE} single-reading MQTT messages/s for ${SECONDS} s`,
  );
  const started = performance.now();
  const faulted = faults(services);
  const [http, mqttLoad] = await Promise.all([
    sendHttp({
      apis: services.apis.map((a) => a.url),
      apiKey,
      signals: signals.http,
      origin: layout.origin,
      batches: HTTP_BATCHES,
      batchSize: 1_000,
      senders: 4,
    }),
    sendMqtt({
      url: topology.broker.url,
      topics: signals.mqtt.map((s) => layout.topicPrefix + s.address),
      origin: layout.origin,
      rate: MQTT_RATE,
      durationMs: SECONDS * 1000,
    }),
  ]);
  const sent = http.sent + mqttLoad.sent;
  const storedHttp = () => storedBetween(pool, signals.http, layout.origin, layout.origin + DAY);
  const storedMqtt = () => storedBetween(pool, mqttIds, layout.origin, layout.origin + DAY);
  const stored = async () => (await storedHttp()) + (await storedMqtt());
  await waitFor(`[${name}] everything sent to be stored`, async () => (await stored()) >= sent, { timeoutMs: 300_000, everyMs: 250 }).catch(() => undefined);
  const seconds = (performance.now() - started) / 1000;
  const notes = await faulted;
  const result = await stored();
  const rate = result / seconds;
  out(
    `[${name}] sent ${sent} (HTTP ${http.sent}, ${http.resends} resends; MQTT ${mqttLoad.sent}), stored ${result} in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} points/s`,
  );
  return { sent, stored: result, seconds, rate, notes };
}

/** The faults of the distributed run, at fixed offsets into the load; returns what was done. */
async function faultsOf(topology: Topology, services: Services): Promise<string[]> {
  const notes: string[] = [];
  const at = async (second: number, what: string, action: () => Promise<void>) => {
    await sleep(second * 1000);
    await action();
    notes.push(`${what} at ${second} s`);
    out(`  ${what}`);
  };
  const target = redisTarget('', topology.redis.seeds);
  await Promise.all([
    at(6, 'NATS node 0 killed', () => topology.nats.kill(0)),
    at(10, "the queues' Redis master failed over to its replica", async () =>
      topology.redis.failover((await topology.redis.shardOf(queuePrefix(target, 'scale'))).replica),
    ),
    at(14, 'API 0 SIGKILLed', () => services.apis[0]!.process.kill()),
    at(18, 'API 0 started again', async () => {
      services.apis[0]!.process.start();
      await healthy(services.apis[0]!.url);
    }),
    at(20, 'workers 0 SIGKILLed', () => services.workers[0]!.kill()),
    at(24, 'workers 0 started again', async () => services.workers[0]!.start()),
    at(26, 'NATS node 0 started again', () => topology.nats.restart(0)),
    at(28, 'the replica restarted', async () => {
      await topology.replica.halt();
      await topology.replica.restart();
    }),
  ]);
  return notes;
}

out(`process logs (warnings and errors) in ${logDir}`);
const topology = await bringUp();
const pool = createPool({ url: topology.ownerUrl, role: '', poolSize: 4 });
try {
  const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
  const http = (
    await pool.query("SELECT id FROM signals WHERE organization_id = $1 AND data_type = 'NUMBER' AND source_protocol <> 'MQTT' ORDER BY id", [org])
  ).rows.map((r: { id: string }) => r.id);
  const mqttSignals = (
    await pool.query("SELECT id, source_address AS address FROM signals WHERE organization_id = $1 AND source_protocol = 'MQTT' ORDER BY id", [org])
  ).rows as { id: string; address: string }[];
  const signals = { http, mqtt: mqttSignals };
  const today = Math.floor(Date.now() / DAY) * DAY;

  const single = await phase('single node', topology, pool, signals, {
    envOf: topology.singleEnv,
    apis: 1,
    workers: 1,
    topicPrefix: 'single/',
    origin: today - 6 * DAY,
  });

  // Inference jobs on the cluster's queues, scored by the two workers processes while the faults happen.
  const hourEnd = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const fixture = await prepareInferenceFixture(pool, signingKeyFromPem(topology.pem), {
    from: hourEnd - 2 * HOUR,
    to: hourEnd,
    jobsPerAsset: 24,
    modelName: 'scale run',
  });
  const target = redisTarget('', topology.redis.seeds);
  const connection = queueConnection(target) as Cluster;
  const queue = new Queue('inference', { connection, prefix: queuePrefix(target, 'scale') });
  queue.on('error', () => undefined);
  await queue.addBulk(fixture.jobs as never);
  const scaled = await phase(
    'distributed',
    topology,
    pool,
    signals,
    { envOf: topology.scaleEnv, apis: 2, workers: 2, topicPrefix: 'scale/', origin: today - 5 * DAY },
    (services) => faultsOf(topology, services),
  );
  // The workers processes are stopped with the phase; the jobs left (if any) are finished by one more.
  const finisher = new ServiceProcess('workers', topology.scaleEnv('w0'), logFile('finisher'));
  finisher.start();
  await waitFor(
    'the inference jobs to be done',
    async () => {
      const c = await counts(queue);
      return c !== null && pending(c) === 0;
    },
    { timeoutMs: 300_000, everyMs: 500 },
  ).catch(() => undefined);
  await finisher.kill('SIGTERM');
  const c = (await counts(queue))!;
  await queue.close();
  connection.disconnect();
  const { rows } = await pool.query<{ rows: number; distinct: number }>(
    'SELECT count(*)::int AS rows, count(DISTINCT (asset_id, ts))::int AS distinct FROM predictions WHERE model_version_id = $1 AND ts > $2 AND ts <= $3',
    [fixture.versionId, new Date(hourEnd - 2 * HOUR), new Date(hourEnd)],
  );
  const predictions = rows[0]!;
  const outcome: Outcome = {
    scenario: 'distributed layout under faults',
    sent: `${scaled.sent} points, ${fixture.jobs.length} inference jobs`,
    done: `${fixture.jobs.length - pending(c) - c.failed!} jobs done, ${c.failed} failed`,
    stored: `${scaled.stored} points, ${predictions.rows} of ${fixture.expectedPredictions} scoring windows`,
    lost: scaled.sent - Math.min(scaled.sent, scaled.stored) + (fixture.expectedPredictions - predictions.distinct),
    duplicated: Math.max(0, scaled.stored - scaled.sent) + (predictions.rows - predictions.distinct),
    notes: scaled.notes,
    failures: [],
  };
  await checkAuditChains(pool, topology.pem, outcome);
  out(`${outcome.scenario}: sent ${outcome.sent}; ${outcome.done}; stored ${outcome.stored}; ${outcome.notes.join('; ')}`);
  process.exitCode = outcome.lost === 0 && outcome.duplicated === 0 && outcome.failures.length === 0 ? 0 : 1;
  if (outcome.failures.length > 0) out(`FAILED: ${outcome.failures.join('; ')}`);
  out(
    `scale: sent ${scaled.sent}, stored ${scaled.stored}, lost ${outcome.lost}, duplicated ${outcome.duplicated}, ${scaled.rate.toFixed(0)} points/s (${(scaled.rate / single.rate).toFixed(2)} × single node, same run)`,
  );
} finally {
  await pool.end();
  await topology.stop();
}
// The services' clients (NATS, Redis Cluster) are gone with the engines; nothing else is left to wait for.
process.exit();
