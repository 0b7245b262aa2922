// Champion/challenger experiments on the simulated plant, against real PostgreSQL and Redis: an A/B
// test's challenger scores and acts on exactly its share of the champion deployment's assets (the
// ones ranked first by md5 of experiment and asset) and the champion on the rest, through the real
// dispatcher and queue; a shadow scores every asset and raises nothing. The evaluation compares
// the arms per asset-hour with the stated test, matching an independent computation, and promotes
// the challenger only when the policy allows it and the improvement passes the margin.
import { createHash, generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type rawSqlOf } from '@threadline/db/sql';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { DEPLOYMENT_ASSETS_SQL } from '@threadline/db/models/deployment-scope';
import { createDeployment } from '@threadline/db/models/deployments';
import { endExperiment, startExperiment, type ExperimentKind } from '@threadline/db/models/experiments';
import { moveAlias } from '@threadline/db/models/registry';
import { uuidV7 } from '@threadline/db/uuid';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { cncFeatureSpec, HAND_MADE_STEP_MS, registerHandMadeVersion } from '../../../scripts/test/hand-made-versions.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { inTransaction } from '@threadline/db/sql';
import { welchTest, sampleOf } from '../ml/t-tests.ts';
import { modelHandlers, startModelRelays } from '../model-workers.ts';
import { runExperimentEvaluation } from '../processors/experiment-evaluation.ts';
import { inferenceJob } from '@threadline/db/jobs';
import { backfillScenario } from '../simulator/backfill.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { Scenario } from '../simulator/scenario.ts';
import { startWorkerHost, type WorkerHost } from '../worker-host.ts';
import type { InferenceDispatcher } from './dispatcher.ts';
import { waitForInferenceIdle } from '../../../scripts/test/wait-for.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const system = { kind: 'SYSTEM' as const, id: null, label: 'test' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('champion/challenger experiments', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  const log = pino({ level: 'silent' });
  let pool: pg.Pool;
  let org: string;
  let host: WorkerHost;
  let inference: Queue;
  let relays: { dispatcher: InferenceDispatcher; stop: () => Promise<void> };
  let model: Awaited<ReturnType<typeof cncFeatureSpec>> & { organizationId: string; id: string };
  let assets: string[];
  let champion: string;
  let challenger: string;
  let championDeployment: string;
  let play: (from: number, to: number) => Promise<void>;
  const start = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;

  const tx = <T>(work: (db: ReturnType<typeof rawSqlOf>) => Promise<T>) => inTransaction(pool, (db) => work(db));
  const start_ = (kind: ExperimentKind, challengerVersionId: string, trafficShare: number) =>
    tx((db) =>
      startExperiment(db, { organizationId: org, championDeploymentId: championDeployment, challengerVersionId, kind, trafficShare, metric: 'brier' }, system),
    );
  const scoredBy = async (deploymentId: string, from: number) =>
    new Set(
      (
        await pool.query<{ asset_id: string }>('SELECT DISTINCT asset_id FROM predictions WHERE deployment_id = $1 AND ts > $2', [deploymentId, new Date(from)])
      ).rows.map((r) => r.asset_id),
    );
  const settle = () => waitForInferenceIdle(relays.dispatcher, inference);

  beforeAll(async () => {
    const db = await createTestDatabase();
    pool = createPool({ url: db.url, role: 'threadline_app', poolSize: 6 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const spec = await cncFeatureSpec(pool, org);
    const id = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Spindle risk (experiments)', 'FAILURE_RISK', $2) RETURNING id",
        [org, spec.assetTypeId],
      )
    ).rows[0]!.id;
    model = { ...spec, organizationId: org, id };
    assets = (await pool.query<{ id: string }>('SELECT id FROM assets WHERE asset_type_id = $1', [spec.assetTypeId])).rows.map((r) => r.id);
    // Thresholds so low that every scored asset raises an insight: who acts shows in the insights.
    champion = await registerHandMadeVersion(pool, signingKey, model, 0.5, -1, 1e-6);
    challenger = await registerHandMadeVersion(pool, signingKey, model, 0.3, -2, 1e-6);
    const {
      rows: [cloud],
    } = await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE name = 'cloud-inference'");
    championDeployment = await tx(async (db) => {
      await moveAlias(db, org, id, 'champion', champion, system);
      return (
        await createDeployment(
          db,
          { organizationId: org, modelId: id, versionId: null, alias: 'champion', edgeTargetId: cloud!.id, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
          system,
        )
      ).id;
    });
    const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
    const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
    play = async (from, to) => {
      // The dispatcher hears of a new experiment's challenger deployment by a notification it handles
      // in its own time; telemetry that arrives before it has reloaded is routed without the challenger.
      await relays.dispatcher.reload();
      await backfillScenario({
        ingest,
        events: new EventIngest(pool),
        organizationId: org,
        scenario: new Scenario(3),
        signals,
        from,
        to,
        stepMs: HAND_MADE_STEP_MS,
      });
      await settle();
    };
    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 2,
      log,
      catalogue: [inferenceJob as never],
      handlers: { [inferenceJob.name]: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }).handlers[inferenceJob.name]! },
    });
    inference = new Queue('inference', { connection, prefix });
    const models = new Queue('models', { connection, prefix });
    relays = await startModelRelays({
      databaseUrl: db.url,
      role: 'threadline_app',
      pool,
      queue: (name) => (name === 'inference' ? inference : models),
      log,
      dispatchMs: 10,
      maxWindowsPerAsset: 720,
      maxWindowsPerJob: 2_000,
    });
  }, 120_000);

  afterAll(async () => {
    await relays?.stop();
    await host?.close();
    await inference?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  it('gives an A/B challenger exactly its share of assets, by hash, to score and act on; the champion the rest', async () => {
    expect(assets).toHaveLength(15);
    const refused = await start_('AB_TEST', challenger, 0.02).catch((e: Error) => e);
    expect(String(refused)).toMatch(/0 of the deployment's 15 assets/);
    const experiment = await start_('AB_TEST', challenger, 0.2);
    expect(experiment).toMatchObject({ challengerAssets: 3, assets: 15 });
    const arm = new Set([...assets].sort((a, b) => md5(experiment.id + a).localeCompare(md5(experiment.id + b))).slice(0, 3));
    expect(String(await start_('SHADOW', challenger, 1).catch((e: Error) => e))).toMatch(/already runs/);

    await play(start, start + 20 * MINUTE);
    const byChallenger = await scoredBy(experiment.challengerDeploymentId, start);
    const byChampion = await scoredBy(championDeployment, start);
    expect(byChallenger).toEqual(arm);
    expect(byChampion).toEqual(new Set(assets.filter((a) => !arm.has(a))));
    const { rows: insights } = await pool.query<{ asset_id: string; model_version_id: string }>(
      'SELECT asset_id, model_version_id FROM insights WHERE source_key = $1 AND resolved_at IS NULL',
      [`model:${model.id}`],
    );
    expect(insights).toHaveLength(15);
    for (const i of insights) expect(i.model_version_id).toBe(arm.has(i.asset_id) ? challenger : champion);

    // Ended, its assets go back to the champion.
    expect(await tx((db) => endExperiment(db, org, experiment.id, { status: 'ABORTED', decision: null, reason: 'test' }, system))).toBe(true);
    await play(start + 20 * MINUTE, start + 30 * MINUTE);
    expect(await scoredBy(championDeployment, start + 20 * MINUTE)).toEqual(new Set(assets));
  }, 120_000);

  it('lets a shadow score every asset and act on none', async () => {
    const shadowVersion = await registerHandMadeVersion(pool, signingKey, model, 0.4, -1.5, 1e-6);
    const experiment = await start_('SHADOW', shadowVersion, 0.5);
    expect(experiment).toMatchObject({ challengerAssets: 15, assets: 15 });
    // The champion raises nothing for a while, so any insight would be the shadow's.
    await pool.query('UPDATE insights SET resolved_at = now() WHERE resolved_at IS NULL');
    await pool.query('UPDATE model_versions SET threshold = 1 WHERE id = $1', [champion]);
    await play(start + 30 * MINUTE, start + 45 * MINUTE);
    await pool.query('UPDATE model_versions SET threshold = 1e-6 WHERE id = $1', [champion]);
    expect(await scoredBy(experiment.challengerDeploymentId, start + 30 * MINUTE)).toEqual(new Set(assets));
    expect(await scoredBy(championDeployment, start + 30 * MINUTE)).toEqual(new Set(assets));
    const { rows } = await pool.query('SELECT model_version_id FROM insights WHERE resolved_at IS NULL');
    expect(rows).toEqual([]);
    await tx((db) => endExperiment(db, org, experiment.id, { status: 'CONCLUDED', decision: 'KEEP_CHAMPION', reason: 'test' }, system));
  }, 120_000);

  describe('evaluation', () => {
    // Six hours of windows every 10 minutes after the experiment starts; an incident at +4 h on one
    // asset of each arm. The champion scores ~0.3 everywhere, the challenger ~0.1, and 0.8 ahead
    // of its incident: the challenger's Brier score is lower.
    const at = Date.now() + 24 * HOUR;
    let experimentId: string;
    let challengerDeployment: string;
    let arm: string[];

    const noise = (i: number) => ((i * 7919) % 101) / 1000 - 0.05;
    const setPolicy = (policy: object) => pool.query('UPDATE models SET policy = $2 WHERE id = $1', [model.id, policy]);

    beforeAll(async () => {
      const started = await start_('AB_TEST', challenger, 0.2);
      experimentId = started.id;
      challengerDeployment = started.challengerDeploymentId;
      const {
        rows: [started_],
      } = await pool.query<{ t0: number }>('SELECT extract(epoch FROM started_at) * 1000 AS t0 FROM experiments WHERE id = $1', [experimentId]);
      const base = Math.ceil((Number(started_!.t0) + 1) / HOUR) * HOUR;
      const armSet = new Set(
        (
          await pool.query<{ asset_id: string }>(`SELECT asset_id FROM (${DEPLOYMENT_ASSETS_SQL}) AS s WHERE deployment_id = $2`, [org, challengerDeployment])
        ).rows.map((r) => r.asset_id),
      );
      arm = [...armSet];
      const champs = assets.filter((a) => !armSet.has(a));
      const incidentAt = base + 4 * HOUR;
      for (const assetId of [champs[0]!, arm[0]!]) {
        await pool.query('INSERT INTO incidents (organization_id, asset_id, title, started_at, ended_at, downtime_minutes) VALUES ($1, $2, $3, $4, $5, 30)', [
          org,
          assetId,
          'spindle stop',
          new Date(incidentAt),
          new Date(incidentAt + 30 * MINUTE),
        ]);
      }
      const rows: [string, string, string, number, number][] = [];
      let i = 0;
      for (let t = base; t < base + 6 * HOUR; t += 10 * MINUTE) {
        for (const assetId of assets) {
          i += 1;
          const ahead = (assetId === champs[0] || assetId === arm[0]) && t < incidentAt && t >= incidentAt - 2 * HOUR;
          if (armSet.has(assetId)) rows.push([challengerDeployment, challenger, assetId, t, (ahead ? 0.8 : 0.1) + noise(i)]);
          else rows.push([championDeployment, champion, assetId, t, 0.3 + noise(i)]);
        }
      }
      await pool.query(
        `INSERT INTO predictions (id, organization_id, deployment_id, model_version_id, asset_id, ts, score, explanation)
         SELECT i, $1, d, v, a, to_timestamp(t / 1000.0), s, '[]' FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::float8[], $7::float8[]) AS u(i, d, v, a, t, s)`,
        [org, rows.map((r) => uuidV7(r[3])), rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => r[4])],
      );
    });

    it("compares the arms per asset-hour with Welch's test, as computed independently", async () => {
      await setPolicy({ autoPromote: false });
      const evaluation = await runExperimentEvaluation(pool, { organizationId: org, experimentId }, at);
      expect(evaluation!.promoted).toBe(false);
      const result = evaluation!.result;
      expect(result).toMatchObject({ metric: 'brier', statisticalTest: 'welch_t', unit: 'asset-hour', verdict: 'CHALLENGER_BETTER' });
      // Independently: Brier per window whose 2 h horizon has passed, label 1 within 2 h before an incident, windows overlapping it (or an incident still open) left out.
      const { rows } = await pool.query<{ deployment_id: string; asset_id: string; t: number; score: number; label: number | null }>(
        `SELECT p.deployment_id, p.asset_id, extract(epoch FROM p.ts) * 1000 AS t, p.score,
                CASE WHEN EXISTS (SELECT 1 FROM incidents i WHERE i.asset_id = p.asset_id AND i.started_at <= p.ts AND coalesce(i.ended_at, 'infinity') > p.ts - interval '5 minutes') THEN NULL
                     WHEN EXISTS (SELECT 1 FROM incidents i WHERE i.asset_id = p.asset_id AND i.started_at > p.ts AND i.started_at <= p.ts + interval '120 minutes') THEN 1 ELSE 0 END AS label
           FROM predictions p JOIN experiments x ON x.id = $1 AND p.ts >= x.started_at
          WHERE p.deployment_id IN ($2, $3) AND p.ts <= $4`,
        [experimentId, championDeployment, challengerDeployment, new Date(result.windowsUpTo)],
      );
      const units = (deploymentId: string) => {
        const sums = new Map<string, number[]>();
        for (const r of rows.filter((x) => x.deployment_id === deploymentId && x.label !== null)) {
          const key = `${r.asset_id}${Math.floor(Number(r.t) / HOUR)}`;
          sums.set(key, [...(sums.get(key) ?? []), (r.score - r.label!) ** 2]);
        }
        return [...sums.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
      };
      const a = units(championDeployment);
      const b = units(challengerDeployment);
      expect(result.champion.units).toBe(a.length);
      expect(result.challenger.units).toBe(b.length);
      // Six hours for each challenger asset, less any still down from an incident the earlier ingest left open.
      const { rows: open } = await pool.query<{ asset_id: string }>(
        'SELECT DISTINCT asset_id FROM incidents WHERE ended_at IS NULL AND asset_id = ANY($1::uuid[])',
        [arm],
      );
      expect(b.length).toBe((3 - open.length) * 6);
      const expected = welchTest(sampleOf(a), sampleOf(b));
      expect(result.difference).toBeCloseTo(expected.difference, 12);
      expect(result.df).toBeCloseTo(expected.df, 9);
      expect(result.pValue).toBeLessThan(0.05);
      expect(result.ci95![1]).toBeLessThan(0);
      expect(result.relativeImprovement).toBeCloseTo((result.champion.mean! - result.challenger.mean!) / result.champion.mean!, 12);
      const {
        rows: [stored],
      } = await pool.query('SELECT status, result, evaluated_at FROM experiments WHERE id = $1', [experimentId]);
      expect(stored.status).toBe('RUNNING');
      expect(stored.result.verdict).toBe('CHALLENGER_BETTER');
      expect(stored.evaluated_at.getTime()).toBe(at);
    });

    it('promotes automatically only when the policy allows it and the improvement passes the margin', async () => {
      const championAlias = async () =>
        (await pool.query('SELECT model_version_id FROM model_aliases WHERE model_id = $1 AND alias = $2', [model.id, 'champion'])).rows[0].model_version_id;
      await setPolicy({ autoPromote: true, promoteMargin: 0.99 });
      expect((await runExperimentEvaluation(pool, { organizationId: org, experimentId }, at))!.promoted).toBe(false);
      expect(await championAlias()).toBe(champion);
      await setPolicy({ autoPromote: true, promoteMargin: 0.05 });
      expect((await runExperimentEvaluation(pool, { organizationId: org, experimentId }, at))!.promoted).toBe(true);
      expect(await championAlias()).toBe(challenger);
      const {
        rows: [x],
      } = await pool.query('SELECT status, decision FROM experiments WHERE id = $1', [experimentId]);
      expect(x).toEqual({ status: 'CONCLUDED', decision: 'PROMOTE_CHALLENGER' });
      const { rows: deployments } = await pool.query('SELECT id, status, model_version_id FROM deployments WHERE id IN ($1, $2) ORDER BY id = $1 DESC', [
        championDeployment,
        challengerDeployment,
      ]);
      expect(deployments).toEqual([
        { id: championDeployment, status: 'ACTIVE', model_version_id: challenger },
        { id: challengerDeployment, status: 'RETIRED', model_version_id: challenger },
      ]);
      const { rows: audit } = await pool.query(
        "SELECT type, actor_label, payload FROM audit_events WHERE type IN ('model_alias.moved', 'experiment.ended') ORDER BY seq DESC LIMIT 2",
      );
      expect(audit[1]).toMatchObject({
        type: 'model_alias.moved',
        actor_label: 'worker:experiment',
        payload: { alias: 'champion', to: challenger, experimentId, automatic: true, result: { verdict: 'CHALLENGER_BETTER' } },
      });
      expect(audit[0]).toMatchObject({ type: 'experiment.ended', payload: { status: 'CONCLUDED', decision: 'PROMOTE_CHALLENGER' } });
      // An ended experiment is not evaluated again.
      expect(await runExperimentEvaluation(pool, { organizationId: org, experimentId }, at)).toBeNull();
    });
  });
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
