// `npm run bench:inference`: rows scored per second through the whole inference queue path
// (enqueue → features from stored telemetry → ONNX with explanations → predictions and insights
// stored) in a separate workers process, beside a bare `session.run` loop over the same model and
// the same feature rows in this run; then the delay from a point's arrival to the insight it
// raises, with the plant's spindles streaming live. Makes its own database and removes it.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { rawSqlOf } from '@threadline/db/sql';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { featureSpecSchema } from '@threadline/db/models/feature-spec';
import { createDeployment } from '@threadline/db/models/deployments';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { computeFeatures, gridEnds, scorable } from '../workers/src/ml/features.ts';
import { OnnxRunner, packRows } from '../workers/src/ml/onnx-runner.ts';
import { loadSeries } from '@threadline/db/telemetry/feature-series';
import { runModelTraining } from '../workers/src/processors/model-training.ts';
import { inferenceJob } from '@threadline/db/jobs';
import { backfillScenario } from '../workers/src/simulator/backfill.ts';
import { loadPlantSignals } from '../workers/src/simulator/plant-signals.ts';
import { Scenario, SCENARIO_PERIOD_MS } from '../workers/src/simulator/scenario.ts';
import { createSeededDatabase } from '../scripts/test/seeded-database.ts';

const BACKLOG_MINUTES = Number(process.env.BENCH_BACKLOG_MINUTES ?? 60);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 120);
const out = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const database = await createSeededDatabase();
const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = signingKeyFromPem(pem);
const system = { kind: 'SYSTEM' as const, id: null, label: 'bench' };
const pool = createPool({ url: database.url, role: 'threadline_app', poolSize: 4 });
const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
const events = new EventIngest(pool);
const scenario = new Scenario(20261123);
const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
const assets = new Map(
  (await pool.query<{ code: string; id: string }>("SELECT code, id FROM assets WHERE code LIKE '%-CNC%'")).rows.map((r) => [r.code, r.id]),
);

// A failure-risk model trained on three simulated periods of LEJ-L1's spindles: 60 s windows on a 1 s grid.
const P = SCENARIO_PERIOD_MS;
const trainFrom = Math.floor(Date.now() / P) * P - 4 * P;
await backfillScenario({
  ingest,
  events,
  organizationId: org,
  scenario,
  signals: signals.filter((s) => s.assetCode.startsWith('LEJ-L1')),
  from: trainFrom,
  to: trainFrom + 3 * P,
  stepMs: 10_000,
});
const {
  rows: [type],
} = await pool.query<{ id: string }>("SELECT id FROM asset_types WHERE name = 'CNC machining centre'");
const modelId = (
  await pool.query<{ id: string }>(
    "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'bench spindle risk', 'FAILURE_RISK', $2) RETURNING id",
    [org, type!.id],
  )
).rows[0]!.id;
const runId = (
  await pool.query<{ id: string }>(
    "INSERT INTO training_runs (organization_id, model_id, trigger, data_window_start_at, data_window_end_at, params) VALUES ($1, $2, 'MANUAL', $3, $4, $5) RETURNING id",
    [org, modelId, new Date(trainFrom), new Date(trainFrom + 3 * P), { family: 'MLP', windowSeconds: 60, stepSeconds: 1, trainingStepSeconds: 30 }],
  )
).rows[0]!.id;
const trained = await runModelTraining(
  { pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) },
  { organizationId: org, trainingRunId: runId },
  true,
);
const {
  rows: [version],
} = await pool.query('SELECT onnx, feature_spec, threshold FROM model_versions WHERE id = $1', [trained.versionId]);
const spec = featureSpecSchema.parse(version.feature_spec);

// The backlog: every CNC (15) for BACKLOG_MINUTES at 1 s, stored before the deployment exists.
const backlogTo = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
const backlogFrom = backlogTo - BACKLOG_MINUTES * 60_000;
await backfillScenario({
  ingest,
  events,
  organizationId: org,
  scenario,
  signals,
  from: backlogFrom - spec.windowSeconds * 1000,
  to: backlogTo + 1,
  stepMs: 1_000,
});

const prefix = `tl-bench-${randomBytes(3).toString('hex')}`;
const workers = spawn(fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url)), ['src/main.ts'], {
  cwd: fileURLToPath(new URL('../workers', import.meta.url)),
  env: {
    ...process.env,
    TSX_TSCONFIG_PATH: fileURLToPath(new URL('../workers/tsconfig.json', import.meta.url)),
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    MQTT_URL: '',
    OPCUA_ENDPOINT: '',
    MODEL_SIGNING_KEY: pem,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    INFERENCE_CONCURRENCY: '2',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const {
  rows: [cloud],
} = await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE name = 'cloud-inference'");
const client = await pool.connect();
await client.query('BEGIN');
const deployment = await createDeployment(
  rawSqlOf(client),
  { organizationId: org, modelId, versionId: trained.versionId, alias: null, edgeTargetId: cloud!.id, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
  system,
);
await client.query('COMMIT');
client.release();
await sleep(4_000); // the workers process starting

out(
  `Threadline inference benchmark: MLP failure-risk model (${spec.reference.length} features, 60 s windows on a 1 s grid, explanations by occlusion in the same ONNX run), ${assets.size} spindles, 2 cores`,
);

// 1. Throughput through the queue path: the backlog's windows enqueued as the dispatcher would.
const queue = new Queue('inference', { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null }, prefix });
const rowsExpected = assets.size * BACKLOG_MINUTES * 60;
const started = performance.now();
await queue.addBulk(
  [...assets.values()].flatMap((assetId) =>
    Array.from({ length: Math.ceil(BACKLOG_MINUTES / 30) }, (_, i) => {
      const windows = [{ assetId, after: backlogFrom + i * 30 * 60_000, upTo: Math.min(backlogTo, backlogFrom + (i + 1) * 30 * 60_000) }];
      return {
        name: inferenceJob.name,
        data: { organizationId: org, deploymentId: deployment.id, windows },
        opts: { ...inferenceJob.options, jobId: `bench-${assetId}-${i}` },
      };
    }),
  ),
);
// Done when every job has completed (asked of Redis, so the database is not polled meanwhile).
const jobs = assets.size * Math.ceil(BACKLOG_MINUTES / 30);
while ((await queue.getJobCounts('completed')).completed! < jobs && performance.now() - started < 600_000) await sleep(20);
const seconds = (performance.now() - started) / 1000;
const stored = Number((await pool.query('SELECT count(*) AS n FROM predictions WHERE deployment_id = $1', [deployment.id])).rows[0].n);
const queueRate = stored / seconds;

// The bare baseline: the same rows (features computed the same way, untimed), one session.run each.
const series = await loadSeries(
  pool,
  org,
  [...assets.values()].map((assetId) => ({ assetId, after: backlogFrom - spec.windowSeconds * 1000, upTo: backlogTo })),
  spec.signals.map((s) => s.name),
);
const rows = [...assets.values()].flatMap((assetId) =>
  computeFeatures(spec, series.get(assetId)!, gridEnds(spec, backlogFrom, backlogTo))
    .filter(scorable)
    .map((r) => r.values),
);
const runner = await OnnxRunner.load(version.onnx, spec.reference.length);
const f = spec.reference.length;
const bareStart = performance.now();
for (const row of rows) await runner.run(packRows([row], f), 1);
const bareRate = rows.length / ((performance.now() - bareStart) / 1000);
const batchedStart = performance.now();
for (let i = 0; i < rows.length; i += 2_000) await runner.run(packRows(rows.slice(i, i + 2_000), f), Math.min(2_000, rows.length - i));
const batchedRate = rows.length / ((performance.now() - batchedStart) / 1000);
out(`bare session.run, one row per run        ${bareRate.toFixed(0).padStart(8)} rows/s  (baseline, ${rows.length} rows)`);
out(
  `queue path (enqueue → features → ONNX → store → insights) ${queueRate.toFixed(0).padStart(8)} rows/s  ${(queueRate / bareRate).toFixed(2)} × bare (goal ≥ 0.50); stored ${stored} of ${rowsExpected}`,
);
out(`for reference: session.run on batches of 2000 rows ${batchedRate.toFixed(0).padStart(8)} rows/s (no features, no storage)`);

// 2. Arrival → insight, live: every spindle streams each second; each in turn gets a 5 s vibration
// burst and then runs normally long enough for its insight to close, so insights keep being raised.
const liveStart = Math.ceil(Date.now() / 1000) * 1000;
const cycle = 75;
const codes = [...assets.keys()];
for (let second = 0; second < LIVE_SECONDS; second += 1) {
  const t = liveStart + second * 1000;
  await sleep(Math.max(0, t - Date.now()));
  const points = signals.map((s) => {
    const phase = (second + codes.indexOf(s.assetCode) * 5) % cycle;
    const burst = s.property === 'spindle_vibration' && phase < 5 ? 4 : 1;
    return { address: s.address, protocol: s.protocol, time: t, value: scenario.read(s, t).value * burst };
  });
  for (const protocol of new Set(points.map((p) => p.protocol)))
    await ingest.ingestByAddress(
      org,
      protocol,
      points.filter((p) => p.protocol === protocol),
    );
}
await sleep(3_000);
const { rows: delays } = await pool.query<{ ms: number }>(
  `SELECT extract(epoch FROM i.raised_at - (SELECT max(t.received_at) FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.asset_id = i.asset_id AND t.time = i.evidence_end_at)) * 1000 AS ms
     FROM insights i WHERE i.source_key = $1 AND i.evidence_end_at >= $2`,
  [`model:${modelId}`, new Date(liveStart)],
);
const { rows: predictionDelays } = await pool.query<{ ms: number }>(
  `SELECT extract(epoch FROM p.created_at - (SELECT max(t.received_at) FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.asset_id = p.asset_id AND t.time = p.ts)) * 1000 AS ms
     FROM predictions p WHERE p.deployment_id = $1 AND p.ts >= $2`,
  [deployment.id, new Date(liveStart)],
);
const insightMs = delays.map((d) => Number(d.ms)).sort((a, b) => a - b);
const predictionMs = predictionDelays.map((d) => Number(d.ms)).sort((a, b) => a - b);
out(
  `arrival → prediction, ${assets.size} spindles live at 1 Hz   p50 ${percentile(predictionMs, 50).toFixed(0)} ms, p99 ${percentile(predictionMs, 99).toFixed(0)} ms (${predictionMs.length} predictions)`,
);
out(
  `arrival → insight                          p50 ${percentile(insightMs, 50).toFixed(0)} ms, p99 ${percentile(insightMs, 99).toFixed(0)} ms (${insightMs.length} insights; goal p99 < 1000 ms)`,
);

await runner.release();
await queue.close();
workers.kill('SIGTERM');
await new Promise((r) => workers.once('exit', r));
await pool.end();
await database.drop();
