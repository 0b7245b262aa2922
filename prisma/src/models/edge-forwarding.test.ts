// Edge forwarding beside a scoring job, against real PostgreSQL: a forwarded batch applies several
// groups (here a deployment's model windows, then its fallback rules' windows) in one transaction,
// and an insight raised by an earlier group takes the organisation's audit lock. The batch takes
// every insight slot it may raise in first, so a job that holds one of them and then appends its own
// audit event is not deadlocked against the batch; both commit.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem } from '../audit/audit-keys.ts';
import { createPool } from '../client.ts';
import { inTransaction } from '../sql.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { cncFeatureSpec, registerHandMadeVersion } from '../../../scripts/test/hand-made-versions.ts';
import { fallbackSourceKey, lockInsightSlots, modelSourceKey, raiseInsights } from '../insights/raise-insights.ts';
import { createDeployment } from './deployments.ts';
import { acceptForwarded, type EdgeBatch } from './edge-forwarding.ts';

describe('edge forwarding beside a scoring job', () => {
  let pool: pg.Pool;
  let org: string;
  let edge: { modelId: string; deploymentId: string; versionId: string; targetId: string; assetId: string };

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 3 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    // A hand-made signed version of a CNC model, deployed on the edge target lej-edge-01 for one CNC.
    const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const model = await cncFeatureSpec(pool, org);
    const modelId = (
      await pool.query(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Forwarded beside a job', 'FAILURE_RISK', $2) RETURNING id",
        [org, model.assetTypeId],
      )
    ).rows[0].id;
    const targetId = (await pool.query("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'lej-edge-01'", [org])).rows[0].id;
    const assetId = (
      await pool.query('SELECT id FROM assets WHERE organization_id = $1 AND asset_type_id = $2 ORDER BY code LIMIT 1', [org, model.assetTypeId])
    ).rows[0].id;
    edge = await inTransaction(pool, async (db, client) => {
      const versionId = await registerHandMadeVersion(client, signingKey, { organizationId: org, id: modelId, ...model }, 2, -3, 0.5);
      const deployment = { organizationId: org, modelId, versionId, alias: null, edgeTargetId: targetId, assetId, mode: 'CHAMPION' as const, trafficShare: 1 };
      const { id } = await createDeployment(db, deployment, { kind: 'SYSTEM', id: null, label: 'test' });
      return { modelId, deploymentId: id, versionId, targetId, assetId };
    });
  });
  afterAll(async () => pool?.end());

  it('applies a batch whose fallback slot a scoring job holds, and lets that job append its audit event first', async () => {
    const t = Date.parse('2026-12-01T10:00:00Z');
    const window = {
      deploymentId: edge.deploymentId,
      assetId: edge.assetId,
      windowEnd: t,
      windowMs: 60_000,
      score: 0.99,
      explanation: [],
      earliestReceived: null,
      raisedAt: t + 1_000,
    };
    const batch: EdgeBatch = {
      targetId: edge.targetId,
      epoch: 'lock-order-test',
      records: [
        { kind: 'MODEL', seq: 1, versionId: edge.versionId, compact: [], title: 'model window', ...window },
        { kind: 'FALLBACK', seq: 2, title: 'fallback window', ...window },
      ],
    };
    const slot = { sourceKey: fallbackSourceKey(edge.deploymentId), assetId: edge.assetId };
    let jobHoldsSlot = () => {};
    const slotHeld = new Promise<void>((resolve) => (jobHoldsSlot = resolve));
    let batchWaits = () => {};
    const batchWaiting = new Promise<void>((resolve) => (batchWaits = resolve));
    // The scoring job: takes the fallback slot, and raises (an audit event) once the batch waits on it.
    const job = inTransaction(pool, async (db) => {
      await lockInsightSlots(db, org, [slot]);
      jobHoldsSlot();
      await batchWaiting;
      const source = { key: slot.sourceKey, kind: 'THRESHOLD' as const, fromFallback: true, modelVersionId: null, useCaseId: null };
      return raiseInsights(db, org, source, 0.5, [
        {
          assetId: edge.assetId,
          windowEnd: t - 600_000,
          score: 0.9,
          predictionId: null,
          windowMs: 60_000,
          earliestReceived: null,
          describe: () => ({ explanation: [], title: 'job window' }),
        },
      ]);
    });
    await slotHeld;
    let batchPid: number | null = null;
    const forwarded = inTransaction(pool, async (db, client) => {
      batchPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      return acceptForwarded(db, org, batch);
    });
    await waitFor('the batch waiting on the job’s slot', async () => {
      if (batchPid === null) return false;
      return (await pool.query('SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted', [batchPid])).rows[0].n > 0;
    });
    batchWaits();
    expect(await job).toBe(1);
    // The model's window raised its insight; the fallback window went on from the one the job opened.
    expect(await forwarded).toMatchObject({ acceptedThrough: 2, applied: 2, predictions: 1, insightsRaised: 1 });
    const insights = await pool.query<{ source: string; title: string }>(
      'SELECT source_key AS source, title FROM insights WHERE organization_id = $1 AND source_key = ANY($2::text[]) ORDER BY source_key',
      [org, [modelSourceKey(edge.modelId), slot.sourceKey]],
    );
    expect(insights.rows).toEqual([
      { source: slot.sourceKey, title: 'job window' },
      { source: modelSourceKey(edge.modelId), title: 'model window' },
    ]);
  });
});
