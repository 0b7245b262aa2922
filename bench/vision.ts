// `npm run bench:vision`: camera frames per second through the whole path (frame ingest: header
// checks, the content-addressed store, references and the outbox; then the frame-inference job:
// bytes read back, decoded, resized, scored by onnxruntime, predictions and insights stored, heat
// maps for the flagged) beside a bare `session.run` over the same frames, already decoded, in this
// run; then the vision model's accuracy, precision and recall on held-out synthetic housings
// against the use case's published target (above 99.5 % accuracy). Makes its own database and removes it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { requestTrainingRun } from '@threadline/db/models/training-runs';
import { rawSqlOf } from '@threadline/db/sql';
import { FrameIngest, type RawFrame } from '@threadline/db/vision/frame-ingest';
import { DiskFrameStore } from '@threadline/db/vision/frame-store';
import { VersionCache } from '../workers/src/inference/version-cache.ts';
import { runFrameInference } from '../workers/src/processors/frame-inference.ts';
import { runModelTraining } from '../workers/src/processors/model-training.ts';
import { metricsOf } from '../workers/src/vision/train-vision.ts';
import { networkInput } from '../workers/src/vision/pixels.ts';
import { PartGenerator, encodeJpeg } from '../workers/src/vision/synthetic-parts.ts';
import { packImages } from '../workers/src/vision/vision-runner.ts';
import { createSeededDatabase } from '../scripts/test/seeded-database.ts';

const TRAIN_FRAMES = Number(process.env.BENCH_VISION_TRAIN ?? 3_000);
const EPOCHS = Number(process.env.BENCH_VISION_EPOCHS ?? 30);
const SIZE = Number(process.env.BENCH_VISION_SIZE ?? 128);
const THROUGHPUT_FRAMES = Number(process.env.BENCH_VISION_FRAMES ?? 600);
const HELD_OUT = Number(process.env.BENCH_VISION_HELD_OUT ?? 2_000);
const BATCH = 50;
const TARGET_ACCURACY = 0.995;
const out = (line: string) => process.stdout.write(`${line}\n`);

const database = await createSeededDatabase();
const directory = await mkdtemp(join(tmpdir(), 'threadline-bench-frames-'));
const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const trustedKeys = trustedKeySet(signingKey, undefined);
const system = { kind: 'SYSTEM' as const, id: null, label: 'bench' };
const pool = createPool({ url: database.url, role: 'threadline_app', poolSize: 4 });
const store = new DiskFrameStore(directory);
const ingest = new FrameIngest(pool, store);
const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
const type = (await pool.query("SELECT id FROM asset_types WHERE name = 'Vision inspection station'")).rows[0].id as string;
const stations = (await pool.query<{ code: string }>('SELECT code FROM assets WHERE asset_type_id = $1 ORDER BY code', [type])).rows.map((r) => r.code);
const modelId = (
  await pool.query("INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Bench housings', 'DEFECT_CLASSIFICATION', $2) RETURNING id", [
    org,
    type,
  ])
).rows[0].id as string;

/** Frames of synthetic housings from the stations, one a second from `start`; a third defective unless said. */
function housings(seed: number, count: number, start: number, defectRate = 1 / 3): { frames: RawFrame[]; defective: boolean[] } {
  const parts = new PartGenerator(seed);
  const frames: RawFrame[] = [];
  const defective: boolean[] = [];
  for (let i = 0; i < count; i += 1) {
    const part = parts.next({ defectRate });
    defective.push(part.defect !== null);
    frames.push({
      assetCode: stations[i % stations.length]!,
      camera: 'top',
      time: start + i * 1_000,
      bytes: encodeJpeg(part),
      label: part.defect ? 'DEFECT' : 'GOOD',
    });
  }
  return { frames, defective };
}

// 1. The model: a CNN trained on labelled synthetic housings.
const now = Date.now();
const history = housings(1, TRAIN_FRAMES, now - 2 * 86_400_000);
for (let i = 0; i < history.frames.length; i += 500) await ingest.ingest(org, history.frames.slice(i, i + 500));
const runId = await requestTrainingRun(
  rawSqlOf(pool),
  {
    organizationId: org,
    modelId,
    trigger: 'MANUAL',
    baseVersionId: null,
    from: new Date(now - 3 * 86_400_000),
    to: new Date(now - 86_400_000),
    params: { family: 'CNN', image: { size: SIZE, epochs: EPOCHS } },
  },
  system,
);
const trainStarted = performance.now();
const trained = await runModelTraining({ pool, signingKey, trustedKeys, frameStore: store }, { organizationId: org, trainingRunId: runId }, true);
const trainingSeconds = (performance.now() - trainStarted) / 1000;
const version = (await pool.query('SELECT threshold, metrics FROM model_versions WHERE id = $1', [trained.versionId])).rows[0];
const cloud = (await pool.query("SELECT id FROM edge_targets WHERE name = 'cloud-inference'")).rows[0].id as string;
await createDeployment(
  rawSqlOf(pool),
  { organizationId: org, modelId, versionId: trained.versionId, alias: null, edgeTargetId: cloud, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
  system,
);
out(
  `vision model: CNN ${SIZE}×${SIZE}, ${TRAIN_FRAMES} labelled frames, ${version.metrics.epochs} epochs (kept the weights of epoch ${version.metrics.bestEpoch}) in ${trainingSeconds.toFixed(0)} s (holdout accuracy ${(100 * version.metrics.accuracy).toFixed(1)} %)`,
);

// 2. Throughput: the whole path, then a bare session.run over the same frames decoded beforehand.
const versions = new VersionCache(pool, trustedKeys);
const log = pino({ level: 'silent' });
const live = housings(2, THROUGHPUT_FRAMES, now - 3_600_000, 0.06);
let started = performance.now();
for (let i = 0; i < live.frames.length; i += BATCH) {
  const stored = await ingest.ingest(
    org,
    live.frames.slice(i, i + BATCH).map(({ label: _label, ...frame }) => frame),
  );
  await runFrameInference({ pool, versions, store, log }, { organizationId: org, frameIds: stored.frameIds });
}
const pathFps = live.frames.length / ((performance.now() - started) / 1000);
const loaded = await versions.getVision(org, trained.versionId!);
if (!loaded.ok) throw new Error(loaded.reason);
const inputs = live.frames.map((f) => networkInput(f.bytes, 'image/jpeg', SIZE));
started = performance.now();
for (let i = 0; i < inputs.length; i += BATCH) {
  const batch = inputs.slice(i, i + BATCH);
  await loaded.runner.run(packImages(batch), batch.length);
}
const bareFps = inputs.length / ((performance.now() - started) / 1000);
// The least any scorer of JPEG frames does: decode, resize, standardise, run.
started = performance.now();
for (let i = 0; i < live.frames.length; i += BATCH) {
  const batch = live.frames.slice(i, i + BATCH).map((f) => networkInput(f.bytes, 'image/jpeg', SIZE));
  await loaded.runner.run(packImages(batch), batch.length);
}
const decodeFps = live.frames.length / ((performance.now() - started) / 1000);
const scored = Number((await pool.query('SELECT count(*) AS n FROM predictions WHERE model_version_id = $1', [trained.versionId])).rows[0].n);
out(
  `frames/s ingest → scored (${scored} predictions, heat maps for the flagged)   ${pathFps.toFixed(1)}   bare session.run on decoded frames ${bareFps.toFixed(1)}   ratio ${(pathFps / bareFps).toFixed(3)}`,
);
out(`frames/s decode + session.run on the same JPEG frames   ${decodeFps.toFixed(1)}   ratio of the whole path to it ${(pathFps / decodeFps).toFixed(3)}`);

// 3. Quality on held-out housings the model never saw (another seed), at the version's threshold.
const heldOut = housings(3, HELD_OUT, now);
const heldInputs = heldOut.frames.map((f) => networkInput(f.bytes, 'image/jpeg', SIZE));
const scores: number[] = [];
for (let i = 0; i < heldInputs.length; i += 200) {
  const batch = heldInputs.slice(i, i + 200);
  scores.push(...(await loaded.runner.run(packImages(batch), batch.length)));
}
const quality = metricsOf(
  scores,
  heldOut.defective.map((d) => (d ? 1 : 0)),
  Number(version.threshold),
);
out(
  `held-out synthetic housings (${quality.count}, ${quality.defects} defective)   accuracy ${(100 * quality.accuracy).toFixed(2)} %   precision ${(100 * quality.precision).toFixed(2)} %   recall ${(100 * quality.recall).toFixed(2)} %   AUC ${quality.auc?.toFixed(4)}   target accuracy > ${100 * TARGET_ACCURACY} %: ${quality.accuracy > TARGET_ACCURACY ? 'met' : 'NOT met'}`,
);
out('synthetic frames flatter any model: one part design, one camera, defects drawn by the same code that labels them; real frames will score lower.');

await versions.close();
await pool.end();
await database.drop();
await rm(directory, { recursive: true, force: true });
