// `npm run bench:lifecycle`: the two figures of the model lifecycle, each beside a baseline
// measured in the same run.
// 1. Drift for 1M rows × 10 features (PSI, KS with p-value, CUSUM step per feature, as the drift
//    check runs them) beside a plain loop summing the same Float32Arrays.
// 2. Training a failure-risk model on 1M telemetry rows stored in PostgreSQL, the whole run
//    (load, features, labels, fit, profile, ONNX export checked against TypeScript, signing,
//    registration) beside the same fit alone on the same prepared windows.
// Makes its own database and removes it.
import { generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { seededRandom } from '@threadline/db/random';
import { featureSpecSchema } from '@threadline/db/models/feature-spec';
import { trainingParamsSchema } from '@threadline/db/models/training-params';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { buildDataset } from '../workers/src/ml/dataset.ts';
import { trainingSourceOf } from '@threadline/db/models/training-data';
import { cusumStep, featureDrift } from '../workers/src/ml/drift.ts';
import { fitClassifier } from '../workers/src/ml/fit-classifier.ts';
import { referenceProfile } from '../workers/src/ml/profile.ts';
import { runModelTraining } from '../workers/src/processors/model-training.ts';
import { backfillScenario } from '../workers/src/simulator/backfill.ts';
import { loadPlantSignals } from '../workers/src/simulator/plant-signals.ts';
import { Scenario } from '../workers/src/simulator/scenario.ts';
import { createSeededDatabase } from '../scripts/test/seeded-database.ts';

const ROWS = Number(process.env.BENCH_DRIFT_ROWS ?? 1_000_000);
const FEATURES = 10;
const TELEMETRY_ROWS = Number(process.env.BENCH_TRAINING_ROWS ?? 1_000_000);
const out = (line: string) => process.stdout.write(`${line}\n`);
const timed = <T>(work: () => T): [T, number] => {
  const t = performance.now();
  const r = work();
  return [r, performance.now() - t];
};
const best = (times: number[]) => Math.min(...times);

// 1. Drift.
const random = seededRandom(20261123);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const names = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
const reference = Array.from({ length: 20_000 }, () => Float64Array.from(names, () => normal()));
const profiles = referenceProfile(names, reference);
// Half the features drift by 0.3 standard deviations.
const recent = names.map((_, f) => Float32Array.from({ length: ROWS }, () => normal() + (f % 2 ? 0.3 : 0)));
const driftTimes: number[] = [];
const loopTimes: number[] = [];
let drifting = 0;
let checksum = 0;
for (let run = 0; run < 5; run += 1) {
  const [flags, ms] = timed(() =>
    recent.map((values, f) => {
      const d = featureDrift(profiles[f]!, values);
      const shift = cusumStep({ high: 0, low: 0 }, (d.mean - profiles[f]!.mean) / profiles[f]!.std, 0.25, 2);
      return d.psi >= 0.25 || d.pValue < 0.01 || shift.alarm;
    }),
  );
  driftTimes.push(ms);
  drifting = flags.filter(Boolean).length;
  const [sum, loopMs] = timed(() => {
    let s = 0;
    for (const values of recent) for (let i = 0; i < values.length; i += 1) s += values[i]!;
    return s;
  });
  checksum += sum;
  loopTimes.push(loopMs);
}
out(`Threadline lifecycle benchmark, 2 cores (best of 5 runs each)`);
out(`plain loop summing ${ROWS} rows × ${FEATURES} Float32Arrays   ${best(loopTimes).toFixed(1).padStart(8)} ms  (baseline; checksum ${checksum.toFixed(0)})`);
out(
  `drift: PSI + KS + p-value + CUSUM, ${ROWS} rows × ${FEATURES} features ${best(driftTimes).toFixed(1).padStart(8)} ms  ${(best(driftTimes) / best(loopTimes)).toFixed(1)} × the loop; goal < 1000 ms; ${drifting} of ${FEATURES} features flagged (5 drift)`,
);

// 2. Training.
const database = await createSeededDatabase();
const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const pool = createPool({ url: database.url, role: 'threadline_app', poolSize: 4 });
const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
const STEP_MS = 10_000;
const to = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const from = to - Math.ceil(TELEMETRY_ROWS / signals.length) * STEP_MS;
await backfillScenario({
  ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
  events: new EventIngest(pool),
  organizationId: org,
  scenario: new Scenario(20261123),
  signals,
  from,
  to,
  stepMs: STEP_MS,
});
const stored = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry')).rows[0]!.n;
const {
  rows: [type],
} = await pool.query<{ id: string }>("SELECT id FROM asset_types WHERE name = 'CNC machining centre'");
const modelId = (
  await pool.query<{ id: string }>(
    "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'bench spindle risk', 'FAILURE_RISK', $2) RETURNING id",
    [org, type!.id],
  )
).rows[0]!.id;
const params = trainingParamsSchema.parse({ family: 'LOGISTIC' });
const runId = (
  await pool.query<{ id: string }>(
    "INSERT INTO training_runs (organization_id, model_id, trigger, data_window_start_at, data_window_end_at, params) VALUES ($1, $2, 'MANUAL', $3, $4, $5) RETURNING id",
    [org, modelId, new Date(from), new Date(to), params],
  )
).rows[0]!.id;
const t0 = performance.now();
const trained = await runModelTraining(
  { pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) },
  { organizationId: org, trainingRunId: runId },
  true,
);
const pipelineMs = performance.now() - t0;
const {
  rows: [version],
} = await pool.query('SELECT feature_spec, metrics FROM model_versions WHERE id = $1', [trained.versionId]);
// The same fit on the same windows, prepared outside the timing.
const { train } = await buildDataset(trainingSourceOf(pool, org, type!.id), featureSpecSchema.parse(version.feature_spec), {
  assetIds: (await pool.query<{ id: string }>('SELECT id FROM assets WHERE asset_type_id = $1 ORDER BY code', [type!.id])).rows.map((r) => r.id),
  from: new Date(from),
  to: new Date(to),
  stepSeconds: params.trainingStepSeconds,
  horizonMinutes: params.horizonMinutes,
});
const [, fitMs] = timed(() => fitClassifier(train.rows, train.labels, { ...params, family: 'LOGISTIC' }));
out(`fit alone (logistic, ${params.epochs} epochs) on ${train.rows.length} prepared windows ${fitMs.toFixed(0).padStart(8)} ms  (baseline)`);
out(
  `training run on ${stored} telemetry rows (load → features → labels → fit → ONNX checked → signed → registered) ${pipelineMs.toFixed(0).padStart(8)} ms  ${(pipelineMs / fitMs).toFixed(1)} × the fit; goal < 30000 ms; holdout AUC ${Number(version.metrics.auc).toFixed(3)}`,
);

await pool.end();
await database.drop();
