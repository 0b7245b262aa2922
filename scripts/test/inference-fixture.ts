// A scored plant for crash tests and the chaos suite: the demo CNCs' scenario played into telemetry
// over [from − 1 h, to), a hand-made signed failure-risk version deployed to the cloud target, and
// inference jobs covering [from, to) in equal slices per asset, each with a stable job id.
import type pg from 'pg';
import { rawSqlOf } from '@threadline/db/sql';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { createDeployment } from '@threadline/db/models/deployments';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { inferenceJob } from '@threadline/db/jobs';
import { backfillScenario } from '../../workers/src/simulator/backfill.ts';
import { loadPlantSignals } from '../../workers/src/simulator/plant-signals.ts';
import { Scenario } from '../../workers/src/simulator/scenario.ts';
import { cncFeatureSpec, HAND_MADE_STEP_MS, registerHandMadeVersion } from './hand-made-versions.ts';

const HOUR = 3_600_000;
const system = { kind: 'SYSTEM' as const, id: null, label: 'inference-fixture' };

export interface InferenceFixture {
  deploymentId: string;
  versionId: string;
  assets: string[];
  jobs: { name: string; data: unknown; opts: Record<string, unknown> }[];
  /** Predictions the jobs write when every one is done once. */
  expectedPredictions: number;
}

export async function prepareInferenceFixture(
  pool: pg.Pool,
  signingKey: SigningKey,
  options: { from: number; to: number; jobsPerAsset: number; modelName?: string },
): Promise<InferenceFixture> {
  const { from, to, jobsPerAsset, modelName = 'crash test' } = options;
  const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
  const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.includes('-CNC'));
  await backfillScenario({
    ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
    events: new EventIngest(pool),
    organizationId: org,
    scenario: new Scenario(1),
    signals,
    from: from - HOUR,
    to,
    stepMs: HAND_MADE_STEP_MS,
  });
  const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
  const modelId = (
    await pool.query<{ id: string }>("INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, $3, 'FAILURE_RISK', $2) RETURNING id", [
      org,
      assetTypeId,
      modelName,
    ])
  ).rows[0]!.id;
  const client = await pool.connect();
  let versionId: string;
  let deploymentId: string;
  try {
    await client.query('BEGIN');
    versionId = await registerHandMadeVersion(client, signingKey, { organizationId: org, id: modelId, spec, scale }, 0.5, -1, 0.99);
    const {
      rows: [cloud],
    } = await client.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org]);
    deploymentId = (
      await createDeployment(
        rawSqlOf(client),
        { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud!.id, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
        system,
      )
    ).id;
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const assets = (await pool.query<{ id: string }>('SELECT id FROM assets WHERE asset_type_id = $1', [assetTypeId])).rows.map((r) => r.id);
  const slice = (to - from) / jobsPerAsset;
  const jobs = assets.flatMap((assetId) =>
    Array.from({ length: jobsPerAsset }, (_, i) => ({
      name: inferenceJob.name,
      data: { organizationId: org, deploymentId, windows: [{ assetId, after: from + i * slice, upTo: from + (i + 1) * slice }] },
      opts: { ...inferenceJob.options, jobId: `${deploymentId}-${assetId}-${i}` },
    })),
  );
  return { deploymentId, versionId, assets, jobs, expectedPredictions: assets.length * ((to - from) / (spec.stepSeconds * 1000)) };
}
