// What the inference workers read and write when a deployment scores asset windows: the
// deployment with its version and model, the predictions (unique per version, asset and window
// end, so a repeated job writes nothing twice), the fallback state a refused version puts a
// deployment in, and the asset type's normal ranges its fallback rules use.
import { appendAuditEvent } from '../audit/audit-log.ts';
import { row, rows, type RawSql } from '../sql.ts';
import { uuidV7 } from '../uuid.ts';

export interface ScoringDeployment {
  id: string;
  organizationId: string;
  modelVersionId: string;
  mode: string;
  /** Whether its insights reach people: champions, and challengers on their share of an A/B test. */
  acts: boolean;
  status: string;
  modelId: string;
  task: string;
  assetTypeId: string | null;
  useCaseId: string | null;
  policy: { insightThreshold?: number } | null;
  threshold: number;
  featureSpec: { windowSeconds?: number; stepSeconds?: number };
  /** Where it starts scoring when it first runs (epoch ms): the backfill it was asked for, else when it was deployed. */
  startsAt: number;
}

export function deploymentToScore(db: RawSql, organizationId: string, deploymentId: string): Promise<ScoringDeployment | undefined> {
  return row<ScoringDeployment>(
    db,
    `SELECT d.id, d.organization_id AS "organizationId", d.model_version_id AS "modelVersionId", d.mode, d.status, m.id AS "modelId", m.task,
            m.asset_type_id AS "assetTypeId", m.use_case_id AS "useCaseId", m.policy, v.threshold, v.feature_spec AS "featureSpec",
            extract(epoch FROM coalesce(d.score_from, d.deployed_at, d.created_at))::float8 * 1000 AS "startsAt",
            d.mode = 'CHAMPION' OR (d.mode = 'CHALLENGER' AND EXISTS (
              SELECT 1 FROM experiments x WHERE x.organization_id = d.organization_id AND x.challenger_deployment_id = d.id AND x.kind = 'AB_TEST' AND x.status = 'RUNNING')) AS acts
       FROM deployments d JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
       JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
      WHERE d.organization_id = $1 AND d.id = $2`,
    organizationId,
    deploymentId,
  );
}

export interface NewPrediction {
  assetId: string;
  windowEnd: number;
  score: number;
  explanation: unknown;
}

export interface StoredPrediction {
  id: string;
  assetId: string;
  windowEnd: number;
}

/** Stores the predictions not stored before; returns those it stored. */
export async function storePredictions(
  db: RawSql,
  deployment: Pick<ScoringDeployment, 'id' | 'organizationId' | 'modelVersionId'>,
  predictions: readonly NewPrediction[],
): Promise<StoredPrediction[]> {
  const stored = await rows<{ id: string; assetId: string; windowEnd: number }>(
    db,
    `INSERT INTO predictions (id, organization_id, model_version_id, deployment_id, asset_id, ts, score, explanation)
     SELECT i, $1, $2, $3, a, to_timestamp(t / 1000.0), s, e::jsonb FROM unnest($8::uuid[], $4::uuid[], $5::float8[], $6::float8[], $7::text[]) AS u(i, a, t, s, e)
     ON CONFLICT (model_version_id, asset_id, ts) DO NOTHING
     RETURNING id, asset_id AS "assetId", extract(epoch FROM ts) * 1000 AS "windowEnd"`,
    deployment.organizationId,
    deployment.modelVersionId,
    deployment.id,
    predictions.map((p) => p.assetId),
    predictions.map((p) => p.windowEnd),
    predictions.map((p) => p.score),
    predictions.map((p) => JSON.stringify(p.explanation)),
    predictions.map((p) => uuidV7(p.windowEnd)),
  );
  return stored.map((p) => ({ ...p, windowEnd: Number(p.windowEnd) }));
}

/** A deployment that fell back because its version was refused runs the model again once it loads. */
export async function leaveFallback(db: RawSql, deployment: Pick<ScoringDeployment, 'id' | 'modelVersionId'>): Promise<void> {
  await db.$executeRawUnsafe(
    "UPDATE deployments SET status = 'ACTIVE', status_reason = NULL, updated_at = now() WHERE id = $1 AND status = 'FALLBACK' AND model_version_id = $2",
    deployment.id,
    deployment.modelVersionId,
  );
}

/** Marks the deployment as running its fallback rules, once, with the refusal as an audit event. */
export async function enterFallback(
  db: RawSql,
  deployment: Pick<ScoringDeployment, 'id' | 'organizationId' | 'modelVersionId'>,
  reason: string,
): Promise<void> {
  const changed = await db.$executeRawUnsafe(
    "UPDATE deployments SET status = 'FALLBACK', status_reason = $3, updated_at = now() WHERE organization_id = $1 AND id = $2 AND status = 'ACTIVE' AND model_version_id = $4",
    deployment.organizationId,
    deployment.id,
    `model version refused: ${reason}`,
    deployment.modelVersionId,
  );
  if (!changed) return;
  await appendAuditEvent(db, {
    organizationId: deployment.organizationId,
    type: 'model_version.refused',
    actor: { kind: 'SYSTEM', id: null, label: 'worker:inference' },
    subjectType: 'model_version',
    subjectId: deployment.modelVersionId,
    payload: { deploymentId: deployment.id, reason, fallback: 'ASSET_TYPE_RANGES' },
  });
}

export interface PropertyRange {
  name: string;
  unit: string | null;
  min: number | null;
  max: number | null;
}

/** The asset type's numeric properties, by name; with `rangedOnly`, those with a normal range. */
export function numericProperties(db: RawSql, organizationId: string, assetTypeId: string | null, rangedOnly = false): Promise<PropertyRange[]> {
  return rows<PropertyRange>(
    db,
    `SELECT name, unit, min_value AS min, max_value AS max FROM asset_type_properties
      WHERE organization_id = $1 AND asset_type_id = $2 AND data_type = 'NUMBER' AND (NOT $3 OR min_value IS NOT NULL OR max_value IS NOT NULL) ORDER BY name`,
    organizationId,
    assetTypeId,
    rangedOnly,
  );
}
