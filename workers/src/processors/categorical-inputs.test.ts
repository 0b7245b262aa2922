// Categorical inputs on real PostgreSQL: a press line whose presses run three product grades at
// different forces, where a failure is announced by force rising above the grade's own level. The
// grade (a state signal reporting only when it changes) and the press variant (a `variant=` tag)
// train as one-hot inputs; with the grade the model separates what force alone cannot; an unseen
// grade still scores through the inference worker; the edge scores a bundle carrying the variant
// exactly as the cloud does.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import { scopedAssetAttributes } from '@threadline/db/models/deployment-scope';
import { featureNames, storedFeatureSpec } from '@threadline/db/models/feature-spec';
import { rawSqlOf } from '@threadline/db/sql';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { loadFeatureInputs } from '@threadline/db/telemetry/feature-series';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { seededRandom } from '@threadline/db/random';
import { edgeFolder, edgeScores } from '../../../scripts/test/edge-command.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { VersionCache } from '../inference/version-cache.ts';
import { runInference } from './inference.ts';
import { runModelTraining } from './model-training.ts';
import { computeFeatures, gridEnds, scorable } from '../ml/features.ts';
import { OnnxRunner, packRows } from '../ml/onnx-runner.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const GRADE_FORCE: Record<number, number> = { 1: 50, 2: 62, 3: 74 };
const PRESSES = ['PRS01', 'PRS02', 'PRS03', 'PRS04', 'PRS05', 'PRS06'];

describe('categorical inputs', () => {
  let pool: pg.Pool;
  let org: string;
  let modelId: string;
  const assets = new Map<string, { id: string; force: string; grade: string }>();
  // Four whole days of history ending at the last full hour two days ago; scoring happens after it.
  const end = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
  const start = end - 96 * HOUR;
  let versionId: string;

  /** Grade blocks of 3 h per press, offset by press; force at the grade's level, rising 9 kN over the 90 min before each failure. */
  const play = async (ingest: IngestService, code: string, index: number, from: number, to: number, gradeAt: (t: number) => number) => {
    const random = seededRandom(100 + index);
    const press = assets.get(code)!;
    const failures: number[] = [];
    for (let t = from + (6 + index) * HOUR; t < to - 3 * HOUR; t += (9 + 4 * random()) * HOUR) failures.push(Math.round(t / MINUTE) * MINUTE);
    const points: { signalId: string; time: string; value: number }[] = [];
    let grade = -1;
    for (let t = from; t < to; t += MINUTE) {
      if (failures.some((f) => t >= f && t < f + 30 * MINUTE)) continue;
      if (gradeAt(t) !== grade) {
        grade = gradeAt(t);
        points.push({ signalId: press.grade, time: new Date(t).toISOString(), value: grade });
      }
      const next = failures.find((f) => f > t);
      const rising = next !== undefined && next - t <= 90 * MINUTE ? 9 * (1 - (next - t) / (90 * MINUTE)) + 4 : 0;
      points.push({ signalId: press.force, time: new Date(t).toISOString(), value: (GRADE_FORCE[grade] ?? GRADE_FORCE[2]!) + rising + 1.5 * (random() - 0.5) });
    }
    for (let i = 0; i < points.length; i += 5_000) {
      const result = await ingest.ingest(org, points.slice(i, i + 5_000));
      expect(result.rejected).toEqual([]);
    }
    for (const f of failures)
      await pool.query(
        "INSERT INTO incidents (organization_id, asset_id, title, started_at, ended_at, downtime_minutes) VALUES ($1, $2, 'Press failure', $3, $4, 30)",
        [org, press.id, new Date(f), new Date(f + 30 * MINUTE)],
      );
  };

  const train = async (params: Record<string, unknown>) => {
    const {
      rows: [run],
    } = await pool.query<{ id: string }>(
      `INSERT INTO training_runs (organization_id, model_id, trigger, data_window_start_at, data_window_end_at, params)
       VALUES ($1, $2, 'MANUAL', $3, $4, $5) RETURNING id`,
      [
        org,
        modelId,
        new Date(start),
        new Date(end),
        { family: 'LOGISTIC', windowSeconds: 600, stepSeconds: 60, trainingStepSeconds: 300, horizonMinutes: 90, ...params },
      ],
    );
    return runModelTraining({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }, { organizationId: org, trainingRunId: run!.id }, true);
  };

  const versionOf = async (id: string) =>
    (await pool.query('SELECT v.*, m.name, m.task FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = $1', [id])).rows[0];

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const type = (await pool.query<{ id: string }>("INSERT INTO asset_types (organization_id, name) VALUES ($1, 'Forming press') RETURNING id", [org])).rows[0]!
      .id;
    await pool.query(
      `INSERT INTO asset_type_properties (organization_id, asset_type_id, name, data_type, unit, min_value, max_value)
       VALUES ($1, $2, 'force', 'NUMBER', 'kN', 0, 120), ($1, $2, 'grade', 'STATE', NULL, NULL, NULL)`,
      [org, type],
    );
    const line = (await pool.query<{ id: string }>("SELECT id FROM lines WHERE code = 'LEJ-L1'")).rows[0]!.id;
    for (const [i, code] of PRESSES.entries()) {
      const id = (
        await pool.query<{ id: string }>(
          `INSERT INTO assets (organization_id, line_id, asset_type_id, code, name, model_number, tags) VALUES ($1, $2, $3, $4, $4, 'FP-400', $5) RETURNING id`,
          [org, line, type, code, [`variant=${i < 3 ? 'A' : 'B'}`, 'press']],
        )
      ).rows[0]!.id;
      const signal = async (name: string) =>
        (
          await pool.query<{ id: string }>(
            `INSERT INTO signals (organization_id, asset_id, property_id, name, data_type, source_protocol, source_address)
             SELECT $1, $2, p.id, p.name, p.data_type, 'API', $3 FROM asset_type_properties p WHERE p.asset_type_id = $4 AND p.name = $5 RETURNING id`,
            [org, id, `press/${code}/${name}`, type, name],
          )
        ).rows[0]!.id;
      assets.set(code, { id, force: await signal('force'), grade: await signal('grade') });
    }
    modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Press failure risk', 'FAILURE_RISK', $2) RETURNING id",
        [org, type],
      )
    ).rows[0]!.id;
    const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
    for (const [i, code] of PRESSES.entries()) await play(ingest, code, i, start - HOUR, end, (t) => 1 + (Math.floor((t - start) / (3 * HOUR) + i + 3) % 3));
  }, 180_000);

  afterAll(async () => {
    await pool?.end();
  });

  it('trains the grade and the variant as one-hot inputs, and with the grade separates what force alone cannot', async () => {
    const plain = await train({});
    const withGrade = await train({
      categorical: [
        { source: 'SIGNAL', name: 'grade' },
        { source: 'ASSET', name: 'variant' },
      ],
    });
    versionId = withGrade.versionId!;
    const [without, version] = [await versionOf(plain.versionId!), await versionOf(versionId)];
    const spec = storedFeatureSpec(version.feature_spec)!;
    expect(spec.categorical).toEqual([
      { source: 'SIGNAL', name: 'grade', categories: ['1', '2', '3'] },
      { source: 'ASSET', name: 'variant', categories: ['A', 'B'] },
    ]);
    // The state signal is not also aggregated as a number.
    expect(spec.signals.map((s) => s.name)).toEqual(['force']);
    expect(featureNames(spec).slice(-5)).toEqual(['grade=1', 'grade=2', 'grade=3', 'asset.variant=A', 'asset.variant=B']);
    expect(version.metrics.auc).toBeGreaterThan(0.9);
    expect(version.metrics.auc - without.metrics.auc).toBeGreaterThan(0.1);
    expect(version.metrics.f1).toBeGreaterThan(without.metrics.f1);
  }, 180_000);

  it('refuses an input with no value on the assets, naming it', async () => {
    await expect(train({ categorical: [{ source: 'ASSET', name: 'coating' }] })).rejects.toThrow(
      /the asset attribute coating has no value on the model's assets/,
    );
    const {
      rows: [run],
    } = await pool.query('SELECT status, error FROM training_runs WHERE model_id = $1 ORDER BY created_at DESC LIMIT 1', [modelId]);
    expect(run).toMatchObject({ status: 'FAILED', error: expect.stringContaining('coating') });
  });

  it('scores windows of a grade never seen in training through the inference worker', async () => {
    const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
    const from = end + 2 * HOUR;
    await play(ingest, 'PRS02', 1, from - HOUR, from + 2 * HOUR, (t) => (t < from ? 2 : 7));
    const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!.id;
    const deployment = await createDeployment(
      rawSqlOf(pool),
      { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud, assetId: assets.get('PRS02')!.id, mode: 'CHAMPION', trafficShare: 1 },
      { kind: 'SYSTEM', id: null, label: 'test' },
    );
    const versions = new VersionCache(pool, trustedKeySet(signingKey, undefined));
    const result = await runInference(
      { pool, versions },
      { organizationId: org, deploymentId: deployment.id, windows: [{ assetId: assets.get('PRS02')!.id, after: from + 20 * MINUTE, upTo: from + HOUR }] },
    );
    expect(result).toMatchObject({ windows: 40, predictions: 40, fallback: false });
    const { rows } = await pool.query<{ score: number }>('SELECT score FROM predictions WHERE deployment_id = $1', [deployment.id]);
    expect(rows).toHaveLength(40);
    for (const { score } of rows) expect(score).toBeGreaterThanOrEqual(0);
    // What the worker scored: force at grade 7 (the grade 2 press's level) with no grade input set.
    const spec = storedFeatureSpec((await versionOf(versionId)).feature_spec)!;
    const inputs = (await loadFeatureInputs(pool, org, [{ assetId: assets.get('PRS02')!.id, after: from, upTo: from + HOUR }], spec)).get(
      assets.get('PRS02')!.id,
    )!;
    const [row] = computeFeatures(spec, inputs.series, [from + HOUR], inputs.attributes);
    expect([...row!.values.slice(-5)]).toEqual([0, 0, 0, 1, 0]);
  }, 120_000);

  it('scores at the edge with the variant the bundle carries, as the cloud does', async () => {
    const version = await versionOf(versionId);
    const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!.id;
    const deployment = await createDeployment(
      rawSqlOf(pool),
      { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud, assetId: null, mode: 'SHADOW', trafficShare: 1 },
      { kind: 'SYSTEM', id: null, label: 'test' },
    );
    const assetAttributes = await scopedAssetAttributes(rawSqlOf(pool), org, deployment.id, ['variant']);
    expect(assetAttributes).toMatchObject({ PRS01: { variant: 'A' }, PRS05: { variant: 'B' } });
    const from = start + 30 * HOUR;
    const { rows: readings } = await pool.query<{ asset: string; signal: string; t: string; value: number }>(
      `SELECT a.code AS asset, s.name AS signal, (extract(epoch FROM t.time) * 1000)::bigint AS t, t.value
         FROM telemetry t JOIN signals s ON s.id = t.signal_id JOIN assets a ON a.id = s.asset_id
        WHERE a.code IN ('PRS01', 'PRS05') AND t.time > $1 AND t.time <= $2 ORDER BY t.time`,
      [new Date(from - 4 * HOUR), new Date(from + 2 * HOUR)],
    );
    const scored = edgeFolder(signingKey, version, { id: deployment.id, target: 'press-edge', assetAttributes }, readings).score();
    expect(scored.status).toBe(0);
    const edge = edgeScores(scored.stdout);
    // The cloud's way: inputs from the database (grade carried from before the range, the variant from the tag).
    const spec = storedFeatureSpec(version.feature_spec)!;
    const runner = await OnnxRunner.load(new Uint8Array(version.onnx), spec.reference.length);
    let compared = 0;
    for (const code of ['PRS01', 'PRS05']) {
      const id = assets.get(code)!.id;
      const inputs = (await loadFeatureInputs(pool, org, [{ assetId: id, after: from - 10 * MINUTE, upTo: from + 2 * HOUR }], spec)).get(id)!;
      const rows = computeFeatures(spec, inputs.series, gridEnds(spec, from, from + 2 * HOUR), inputs.attributes).filter(scorable);
      const out = await runner.run(
        packRows(
          rows.map((r) => r.values),
          spec.reference.length,
        ),
        rows.length,
      );
      rows.forEach((row, i) => {
        expect(Math.abs(edge.get(`${code}@${row.windowEnd}`)! - out.scores[i]!)).toBeLessThan(1e-6);
        compared += 1;
      });
    }
    await runner.release();
    expect(compared).toBe(240);
  }, 120_000);

  it('scores a backlog that comes as adjacent pieces of one job as the whole span: each window once, with the points it has once', async () => {
    const version = await versionOf(versionId);
    const spec = storedFeatureSpec(version.feature_spec)!;
    const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!.id;
    const press = assets.get('PRS03')!.id;
    const deployment = await createDeployment(
      rawSqlOf(pool),
      { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud, assetId: press, mode: 'SHADOW', trafficShare: 1 },
      { kind: 'SYSTEM', id: null, label: 'test' },
    );
    // Two pieces whose feature windows overlap (the second reaches ten minutes back into the first).
    const from = start + 40 * HOUR;
    const versions = new VersionCache(pool, trustedKeySet(signingKey, undefined));
    const result = await runInference(
      { pool, versions },
      {
        organizationId: org,
        deploymentId: deployment.id,
        windows: [
          { assetId: press, after: from, upTo: from + HOUR },
          { assetId: press, after: from + HOUR, upTo: from + 2 * HOUR },
        ],
      },
    );
    await versions.close();
    expect(result).toMatchObject({ windows: 120, predictions: 120 });
    const { rows: stored } = await pool.query<{ t: string; score: number }>(
      'SELECT (extract(epoch FROM ts) * 1000)::bigint AS t, score FROM predictions WHERE deployment_id = $1 ORDER BY ts',
      [deployment.id],
    );
    const inputs = (await loadFeatureInputs(pool, org, [{ assetId: press, after: from - 10 * MINUTE, upTo: from + 2 * HOUR }], spec)).get(press)!;
    const rows = computeFeatures(spec, inputs.series, gridEnds(spec, from, from + 2 * HOUR), inputs.attributes).filter(scorable);
    const runner = await OnnxRunner.load(new Uint8Array(version.onnx), spec.reference.length);
    const whole = await runner.run(
      packRows(
        rows.map((r) => r.values),
        spec.reference.length,
      ),
      rows.length,
    );
    await runner.release();
    expect(stored.map((r) => Number(r.t))).toEqual(rows.map((r) => r.windowEnd));
    stored.forEach((r, i) => expect(Math.abs(r.score - whole.scores[i]!)).toBeLessThan(1e-6));
  }, 120_000);
});
