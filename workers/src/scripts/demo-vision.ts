// `npm run demo:vision -w @threadline/workers` (run by `npm start`): puts the demo's visual
// inspection use case into a running pilot once. It starts the use case and its Pilot & Prove
// wave, stores the pilot's labelled history (frames from the inspection stations that quality
// re-inspected, enriched with defective parts: the labelled set a pilot begins with), trains the
// vision model on it, signs and registers it, names it champion and deploys it to
// `cloud-inference`, where it scores the frames the simulator's cameras publish. A no-op when the
// model exists.
import pino from 'pino';
import { signingKeyFromPem, signingKeyPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { systemClock } from '@threadline/db/clock';
import { createDeployment } from '@threadline/db/models/deployments';
import { CHAMPION_ALIAS } from '@threadline/db/models/experiments';
import { moveAlias, publishSigningKey } from '@threadline/db/models/registry';
import { adapterOrganization } from '@threadline/db/plant/organizations';
import { demoTrainingRun } from '@threadline/db/seed/demo-model-records';
import { startVisionPilot, visionPilotContext, visionPilotExists } from '@threadline/db/seed/demo-vision-records';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { FrameIngest, type RawFrame } from '@threadline/db/vision/frame-ingest';
import { openFrameStore } from '@threadline/db/vision/frame-store';
import { readWorkersConfig } from '../config.ts';
import { runModelTraining } from '../processors/model-training.ts';
import { CAMERA, SimulatorCameras, stationsOf } from '../simulator/cameras.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';

const SEED = Number(process.env.SIMULATOR_SEED ?? 20261123);
/** Labelled frames of the pilot's history, over the last two days, a third of them defective. */
const HISTORY_FRAMES = Number(process.env.DEMO_VISION_FRAMES ?? 1_200);
const HISTORY_MS = 2 * 86_400_000;
/** At 64 × 64, not the default 128: a champion a few minutes after `npm start`, for some accuracy on dents. */
const TRAINING = { size: 64, epochs: Number(process.env.DEMO_VISION_EPOCHS ?? 20) };

const config = readWorkersConfig();
const log = pino({ name: 'threadline-demo-vision', level: config.LOG_LEVEL });
const pool = createPool({ url: config.db.DATABASE_URL, role: config.db.DATABASE_APP_ROLE, poolSize: 4 });
const system = { kind: 'SYSTEM' as const, id: null, label: 'demo:vision' };
try {
  const org = await adapterOrganization(pool, config.PLANT_ORGANIZATION);
  if (await visionPilotExists(pool, org)) {
    log.info('the vision pilot is already running');
  } else {
    const key = signingKeyFromPem(signingKeyPem(config.MODEL_SIGNING_KEY, config.THREADLINE_KEY_DIR, 'model'));
    await publishSigningKey(rawSqlOf(pool), key, !config.MODEL_SIGNING_KEY);
    const context = await visionPilotContext(pool, org);
    const modelId = await startVisionPilot(pool, org, context, system);
    const store = openFrameStore(config.frames);
    const ingest = new FrameIngest(pool, store);
    const stations = stationsOf(await loadPlantSignals(pool, org));
    const cameras = new SimulatorCameras(stations, SEED + 2, 1 / 3);
    const now = systemClock.nowMs();
    const from = now - HISTORY_MS;
    const rounds = Math.ceil(HISTORY_FRAMES / Math.max(1, stations.length));
    log.info({ frames: rounds * stations.length, stations: stations.length }, "storing the pilot's labelled frames");
    for (let round = 0; round < rounds; round += 50) {
      const frames: RawFrame[] = [];
      for (let r = round; r < Math.min(rounds, round + 50); r += 1) {
        for (const shot of cameras.shoot(new Date(from + Math.floor((r * HISTORY_MS) / rounds)))) {
          frames.push({ assetCode: shot.station.assetCode, camera: CAMERA, time: shot.time, bytes: shot.jpeg, label: shot.frame.defect ? 'DEFECT' : 'GOOD' });
        }
      }
      const stored = await ingest.ingest(org, frames);
      if (stored.rejected.length > 0) throw new Error(`history frames refused: ${stored.rejected[0]!.reason}`);
    }
    const runId = await demoTrainingRun(pool, org, modelId, {
      baseVersionId: null,
      from: new Date(from),
      to: new Date(now),
      params: { family: 'CNN', image: TRAINING },
      requestedById: context.ownerId,
    });
    log.info(TRAINING, 'training the vision model');
    const trained = await runModelTraining(
      { pool, signingKey: key, trustedKeys: trustedKeySet(key, config.MODEL_TRUSTED_KEYS), frameStore: store },
      { organizationId: org, trainingRunId: runId },
      true,
    );
    await inTransaction(pool, async (db) => {
      await moveAlias(db, org, modelId, CHAMPION_ALIAS, trained.versionId!, system);
      await createDeployment(
        db,
        {
          organizationId: org,
          modelId,
          versionId: null,
          alias: CHAMPION_ALIAS,
          edgeTargetId: context.cloudTargetId,
          assetId: null,
          mode: 'CHAMPION',
          trafficShare: 1,
        },
        system,
      );
    });
    const { accuracy, precision, recall, auc } = (await pool.query('SELECT metrics FROM model_versions WHERE id = $1', [trained.versionId])).rows[0].metrics;
    log.info({ version: trained.version, holdout: { accuracy, precision, recall, auc } }, 'the vision pilot runs: its champion scores the stations’ frames');
  }
} finally {
  await pool.end();
}
