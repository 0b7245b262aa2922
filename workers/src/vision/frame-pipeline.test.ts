// Frames end to end against real PostgreSQL, Redis and the disk store: labelled frames train a
// signed vision version (CNN, image spec, ONNX checked against TypeScript); deployed as champion,
// it scores new frames through the outbox and the inference queue, once per frame however often the
// frame is sent, and a defective part raises an insight with a heat map over the defect, whose
// verdict labels the frame for the next training run.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { requestTrainingRun } from '@threadline/db/models/training-runs';
import { seededRandom } from '@threadline/db/random';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { setInsightVerdict } from '@threadline/db/insights/verdicts';
import { labelledFrames } from '@threadline/db/vision/frame-scoring';
import { FrameIngest } from '@threadline/db/vision/frame-ingest';
import { DiskFrameStore } from '@threadline/db/vision/frame-store';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { MODEL_JOBS, modelHandlers, startModelRelays } from '../model-workers.ts';
import { runModelTraining } from '../processors/model-training.ts';
import { startWorkerHost } from '../worker-host.ts';
import { PLATE_SIDE, plateFrame } from '../../../scripts/test/frame-fixture.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const system = { kind: 'SYSTEM' as const, id: null, label: 'test' };
const SIDE = PLATE_SIDE;
const plate = (random: () => number, spot: { x: number; y: number } | null) => plateFrame(random, spot);

describe('camera frames through training and inference', () => {
  let url: string;
  let pool: pg.Pool;
  let org: string;
  let modelId: string;
  let assetId: string;
  let type: string;
  let ingest: FrameIngest;
  let store: DiskFrameStore;
  const random = seededRandom(17);
  const now = Date.now();

  beforeAll(async () => {
    url = (await createTestDatabase()).url;
    pool = createPool({ url, role: 'threadline_app', poolSize: 4 });
    store = new DiskFrameStore(await mkdtemp(join(tmpdir(), 'threadline-frames-')));
    ingest = new FrameIngest(pool, store);
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    type = (await pool.query("SELECT id FROM asset_types WHERE organization_id = $1 AND name = 'Vision inspection station'", [org])).rows[0].id;
    assetId = (await pool.query("SELECT id FROM assets WHERE organization_id = $1 AND code = 'LEJ-L1-VIS01'", [org])).rows[0].id;
    const useCase = (await pool.query("SELECT id FROM use_cases WHERE organization_id = $1 AND name LIKE 'Visual inspection%'", [org])).rows[0].id;
    modelId = (
      await pool.query(
        "INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id) VALUES ($1, 'Housing surface defects', 'DEFECT_CLASSIFICATION', $2, $3) RETURNING id",
        [org, type, useCase],
      )
    ).rows[0].id;
    // Two hours of labelled frames from the station's camera, one a minute.
    const labelled = Array.from({ length: 120 }, (_, i) => {
      const defective = i % 2 === 1;
      const spot = defective ? { x: Math.floor(random() * (SIDE - 10)), y: Math.floor(random() * (SIDE - 10)) } : null;
      return { assetId, camera: 'top', time: now - (121 - i) * 60_000, bytes: plate(random, spot), label: defective ? 'DEFECT' : 'GOOD' };
    });
    expect((await ingest.ingest(org, labelled)).accepted).toBe(120);
  }, 120_000);
  afterAll(async () => pool?.end());

  it('trains a signed vision version on labelled frames', async () => {
    const runId = await requestTrainingRun(
      rawSqlOf(pool),
      {
        organizationId: org,
        modelId,
        trigger: 'MANUAL',
        baseVersionId: null,
        from: new Date(now - 3 * 3_600_000),
        to: new Date(now),
        params: { family: 'CNN', image: { size: 32, epochs: 10 } },
      },
      system,
    );
    const result = await runModelTraining(
      { pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined), frameStore: store },
      { organizationId: org, trainingRunId: runId },
      true,
    );
    const version = (await pool.query('SELECT family, feature_spec, metrics, signature FROM model_versions WHERE id = $1', [result.versionId])).rows[0];
    expect(version.family).toBe('CNN');
    expect(version.signature).toBeTruthy();
    expect(version.feature_spec).toMatchObject({ kind: 'IMAGE', size: 32, normalisation: 'PER_IMAGE' });
    expect(version.metrics.frames).toEqual({ train: 84, validation: 18, holdout: 18 });
    expect(version.metrics.exportDeviation).toBeLessThan(1e-4);
    expect(version.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('refuses a run without enough labelled frames of each class', async () => {
    const runId = await requestTrainingRun(
      rawSqlOf(pool),
      { organizationId: org, modelId, trigger: 'MANUAL', baseVersionId: null, from: new Date(now - 10 * 60_000), to: new Date(now), params: { family: 'CNN' } },
      system,
    );
    await expect(
      runModelTraining(
        { pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined), frameStore: store },
        { organizationId: org, trainingRunId: runId },
        true,
      ),
    ).rejects.toThrow(/at least 10 labelled frames of each class/);
  });

  it('scores new frames once each and raises an insight with a heat map over the defect', async () => {
    const version = (await pool.query("SELECT id FROM model_versions WHERE model_id = $1 AND family = 'CNN'", [modelId])).rows[0].id;
    const cloud = (await pool.query("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0].id;
    await createDeployment(
      rawSqlOf(pool),
      { organizationId: org, modelId, versionId: version, alias: null, edgeTargetId: cloud, assetId, mode: 'CHAMPION', trafficShare: 1, scoreFrom: null },
      system,
    );
    const prefix = testQueuePrefix();
    const connection = { url: redisUrl(), maxRetriesPerRequest: null };
    const log = pino({ level: 'silent' });
    const host = startWorkerHost({
      connection,
      prefix,
      concurrency: 2,
      log,
      catalogue: MODEL_JOBS,
      handlers: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined), frameStore: store, log }).handlers,
    });
    const queues = [new Queue('inference', { connection, prefix }), new Queue('models', { connection, prefix })];
    const relays = await startModelRelays({
      databaseUrl: url,
      role: 'threadline_app',
      pool,
      queue: (name) => (name === 'inference' ? queues[0]! : queues[1]!),
      log,
      dispatchMs: 10,
      maxWindowsPerAsset: 12,
      maxWindowsPerJob: 50,
    });
    try {
      const spot = { x: 44, y: 8 };
      const frames = [
        { assetId, camera: 'top', time: now - 30_000, bytes: plate(random, null) },
        { assetId, camera: 'top', time: now - 20_000, bytes: plate(random, spot) },
      ];
      const stored = await ingest.ingest(org, frames);
      expect(stored.accepted).toBe(2);
      // Sent again: stored once, scored once.
      expect(await ingest.ingest(org, frames)).toMatchObject({ accepted: 0, duplicates: 2 });
      const defectFrame = stored.frameIds[1]!;
      // The labelled history's jobs, written before there was a deployment, are scored too now.
      const recent = 'model_version_id = $1 AND ts >= to_timestamp($2 / 1000.0)';
      await waitFor(
        'both new frames scored and the defect raised',
        async () => {
          const scored = await pool.query(`SELECT count(*)::int AS n FROM predictions WHERE ${recent}`, [version, now - 60_000]);
          const raised = await pool.query(
            'SELECT count(*)::int AS n FROM insights WHERE model_version_id = $1 AND evidence_end_at = to_timestamp($2 / 1000.0)',
            [version, now - 20_000],
          );
          return scored.rows[0].n === 2 && raised.rows[0].n === 1;
          // The history's 120 frames (and their heat maps) are scored first.
        },
        { timeoutMs: 150_000 },
      );
      const insight = (
        await pool.query('SELECT title, explanation FROM insights WHERE model_version_id = $1 AND evidence_end_at = to_timestamp($2 / 1000.0)', [
          version,
          now - 20_000,
        ])
      ).rows[0];
      expect(insight.title).toMatch(/^Defect suspected [01]\.\d\d on camera top \(top right of the frame\)$/);
      const [heat] = insight.explanation;
      expect(heat).toMatchObject({ kind: 'HEATMAP', frameId: defectFrame, camera: 'top' });
      expect(heat.cells).toHaveLength(heat.rows * heat.cols);
      // The peak lies over the square (at 44..54, 8..18 of 64 pixels).
      const centre = { x: (heat.peak.x + heat.peak.width / 2) * SIDE, y: (heat.peak.y + heat.peak.height / 2) * SIDE };
      expect(centre.x).toBeGreaterThanOrEqual(spot.x - 4);
      expect(centre.x).toBeLessThanOrEqual(spot.x + 14);
      expect(centre.y).toBeGreaterThanOrEqual(spot.y - 4);
      expect(centre.y).toBeLessThanOrEqual(spot.y + 14);
      const scores = (await pool.query(`SELECT score, explanation FROM predictions WHERE ${recent} ORDER BY ts`, [version, now - 60_000])).rows;
      expect(scores[0].score).toBeLessThan(scores[1].score);
      expect(scores[1].explanation).toEqual([{ frameId: defectFrame, camera: 'top' }]);

      // An operator's verdict labels the frame for the next training run: a false alarm is a GOOD part.
      const labelled = () => labelledFrames(rawSqlOf(pool), org, type, { from: new Date(now - 60_000), to: new Date(now) }, null);
      expect(await labelled()).toEqual([]);
      const insightId = (
        await pool.query('SELECT id FROM insights WHERE model_version_id = $1 AND evidence_end_at = to_timestamp($2 / 1000.0)', [version, now - 20_000])
      ).rows[0].id;
      const person = (await pool.query("SELECT id FROM users WHERE email = 'engineer@northwind.example'")).rows[0].id;
      await inTransaction(pool, (db) =>
        setInsightVerdict(db, org, insightId, { verdict: 'FALSE_ALARM', comment: null }, person, { kind: 'USER', id: person, label: 'engineer' }, new Date()),
      );
      expect(await labelled()).toEqual([expect.objectContaining({ id: defectFrame, defect: false })]);
    } finally {
      await relays.stop();
      await host.close();
      await Promise.all(queues.map((q) => q.close()));
      await dropQueuePrefix(prefix);
    }
  }, 240_000);
});
