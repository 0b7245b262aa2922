// Which assets a deployment scores: its asset when it names one, otherwise every asset of the
// model's asset type, within the edge target's site when the target belongs to a site, and within
// the rolled-out scope of the model's use case when it is scaled in waves; a running A/B test
// moves its share of those assets from the champion deployment to the challenger's.
import { rows, type RawSql } from '../sql.ts';
import { loadAssetAttributes } from '../telemetry/feature-series.ts';

export const DEPLOYMENTS_CHANNEL = 'deployments_changed';

/** FROM scaling_waves w and their wave_scope_items s, for the use case of model m. */
const USE_CASE_WAVE_ITEMS = `FROM scaling_waves w JOIN wave_scope_items s ON s.organization_id = w.organization_id AND s.wave_id = w.id
                  WHERE w.organization_id = m.organization_id AND w.use_case_id = m.use_case_id`;

/**
 * Whether asset a (on line l) is in the rolled-out scope of model m's use case: true when the model
 * has no use case or the use case has no wave with a scope (it is not scaled in waves), otherwise
 * when a wave that is running, under review or passed names the asset, its line or its site.
 */
const IN_ROLLED_OUT_SCOPE = `(m.use_case_id IS NULL
        OR NOT EXISTS (SELECT 1 ${USE_CASE_WAVE_ITEMS})
        OR EXISTS (SELECT 1 ${USE_CASE_WAVE_ITEMS} AND w.status IN ('ACTIVE', 'GATE_REVIEW', 'PASSED')
                      AND (s.asset_id = a.id OR s.line_id = a.line_id OR s.site_id = l.site_id)))`;

/** FROM deployments d … giving e (target), v (current version), m (model), a (covered asset). */
const SCOPE = `
    FROM deployments d
    JOIN edge_targets e ON e.organization_id = d.organization_id AND e.id = d.edge_target_id
    JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
    JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
    JOIN assets a ON a.organization_id = d.organization_id
     AND (a.id = d.asset_id OR (d.asset_id IS NULL AND a.asset_type_id = m.asset_type_id))
    JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
   WHERE (e.site_id IS NULL OR l.site_id = e.site_id)
     AND (d.asset_id IS NOT NULL OR ${IN_ROLLED_OUT_SCOPE})`;

/**
 * (deployment, asset) of live deployments; `$1` is an organisation or NULL for all. A running A/B
 * test splits its champion deployment's assets: the challenger arm is the round(share · n) assets
 * of the champion's scope ranked first by md5(experiment id ‖ asset id) (deterministic, exactly its
 * share, and an asset keeps its arm while the scope is unchanged); the champion skips them and
 * the challenger deployment scores only them.
 */
export const DEPLOYMENT_ASSETS_SQL = `
  WITH live AS (
    SELECT d.id AS deployment_id, d.organization_id, d.mode, a.id AS asset_id, e.kind AS target_kind,
           (v.feature_spec->>'stepSeconds')::int AS step_seconds
    ${SCOPE} AND d.status IN ('ACTIVE', 'FALLBACK') AND ($1::uuid IS NULL OR d.organization_id = $1::uuid)
  ), arms AS (
    SELECT x.champion_deployment_id, x.challenger_deployment_id, r.asset_id
      FROM experiments x
      JOIN LATERAL (
        SELECT l.asset_id, row_number() OVER (ORDER BY md5(x.id::text || l.asset_id::text)) AS rank, count(*) OVER () AS n
          FROM live l WHERE l.deployment_id = x.champion_deployment_id
      ) r ON r.rank <= round(x.traffic_share * r.n)
     WHERE x.status = 'RUNNING' AND x.kind = 'AB_TEST' AND ($1::uuid IS NULL OR x.organization_id = $1::uuid)
  )
  SELECT l.deployment_id, l.organization_id, l.asset_id, l.target_kind, l.step_seconds
    FROM live l
   WHERE NOT EXISTS (SELECT 1 FROM arms WHERE arms.champion_deployment_id = l.deployment_id AND arms.asset_id = l.asset_id)
     AND (NOT EXISTS (SELECT 1 FROM experiments x WHERE x.challenger_deployment_id = l.deployment_id AND x.status = 'RUNNING' AND x.kind = 'AB_TEST')
          OR EXISTS (SELECT 1 FROM arms WHERE arms.challenger_deployment_id = l.deployment_id AND arms.asset_id = l.asset_id))`;

/**
 * Per deployment that ever covered asset `$2` of organisation `$1`: its assignment in force at
 * `$3` (model_version_id null when it was retired by then).
 */
const ASSIGNMENTS_AT_SQL = `
  SELECT DISTINCT ON (ma.deployment_id) ma.deployment_id, ma.model_version_id, ma.valid_from, ma.reason, ma.actor_label
    FROM model_assignments ma
   WHERE ma.organization_id = $1::uuid AND ma.valid_from <= $3
     AND ma.deployment_id IN (SELECT d.id ${SCOPE} AND d.organization_id = $1::uuid AND a.id = $2::uuid)
   ORDER BY ma.deployment_id, ma.valid_from DESC, ma.id DESC`;

/** The assets a deployment scores now, by id. */
export async function assetsScoredBy(db: RawSql, organizationId: string, deploymentId: string): Promise<string[]> {
  const scope = await rows<{ assetId: string }>(
    db,
    `SELECT asset_id AS "assetId" FROM (${DEPLOYMENT_ASSETS_SQL}) AS s WHERE deployment_id = $2::uuid`,
    organizationId,
    deploymentId,
  );
  return scope.map((r) => r.assetId);
}

/**
 * The attributes `names` of the assets a deployment scores, by asset code: what an edge bundle
 * carries for a spec's asset-attribute inputs (the edge knows its readings' asset codes only).
 */
export async function scopedAssetAttributes(
  db: RawSql,
  organizationId: string,
  deploymentId: string,
  names: readonly string[],
): Promise<Record<string, Record<string, string>>> {
  const assets = await loadAssetAttributes(db, organizationId, await assetsScoredBy(db, organizationId, deploymentId));
  return Object.fromEntries(
    [...assets.values()].map(({ code, attributes }) => [code, Object.fromEntries(names.flatMap((n) => (attributes.has(n) ? [[n, attributes.get(n)!]] : [])))]),
  );
}

export interface LiveRoute {
  deploymentId: string;
  organizationId: string;
  assetId: string;
  targetKind: string;
  stepSeconds: number | null;
}

/** (deployment, asset) of every organisation's live deployments, for the inference dispatcher. */
export function liveRoutes(db: RawSql): Promise<LiveRoute[]> {
  return rows<LiveRoute>(
    db,
    `SELECT deployment_id AS "deploymentId", organization_id AS "organizationId", asset_id AS "assetId", target_kind AS "targetKind", step_seconds AS "stepSeconds"
       FROM (${DEPLOYMENT_ASSETS_SQL}) AS s`,
    null,
  );
}

/** Where each (deployment, asset) left off: its latest prediction's window end (epoch ms) in the last two days. */
export async function lastPredictionTimes(db: RawSql, deploymentIds: readonly string[]): Promise<Map<string, number>> {
  const last = await rows<{ deploymentId: string; assetId: string; last: number }>(
    db,
    `SELECT deployment_id AS "deploymentId", asset_id AS "assetId", extract(epoch FROM max(ts)) * 1000 AS last FROM predictions
      WHERE deployment_id = ANY($1::uuid[]) AND ts > now() - interval '2 days' GROUP BY 1, 2`,
    deploymentIds,
  );
  return new Map(last.map((r) => [`${r.deploymentId}|${r.assetId}`, Number(r.last)]));
}

export interface DeploymentStart {
  /** The backfill it was asked for (epoch ms), if any. */
  scoreFrom: number | null;
  deployedAt: number;
}

/** Where each deployment may start scoring when it first runs: the backfill it was asked for, and when it was deployed. */
export async function deploymentStarts(db: RawSql, deploymentIds: readonly string[]): Promise<Map<string, DeploymentStart>> {
  const starts = await rows<{ id: string; scoreFrom: number | null; deployedAt: number }>(
    db,
    `SELECT id, extract(epoch FROM score_from) * 1000 AS "scoreFrom", extract(epoch FROM coalesce(deployed_at, created_at)) * 1000 AS "deployedAt"
       FROM deployments WHERE id = ANY($1::uuid[])`,
    deploymentIds,
  );
  return new Map(starts.map((r) => [r.id, { scoreFrom: r.scoreFrom === null ? null : Number(r.scoreFrom), deployedAt: Number(r.deployedAt) }]));
}

export interface AssignmentAt {
  deploymentId: string;
  modelVersionId: string;
  validFrom: Date;
  reason: string;
  actorLabel: string;
}

/** Which version each deployment covering the asset ran at `at` (deployments retired by then left out). */
export async function assignmentsAt(db: RawSql, organizationId: string, assetId: string, at: Date): Promise<AssignmentAt[]> {
  const found = await rows<{ deployment_id: string; model_version_id: string | null; valid_from: Date; reason: string; actor_label: string }>(
    db,
    ASSIGNMENTS_AT_SQL,
    organizationId,
    assetId,
    at,
  );
  return found.flatMap((r) =>
    r.model_version_id === null
      ? []
      : [{ deploymentId: r.deployment_id, modelVersionId: r.model_version_id, validFrom: r.valid_from, reason: r.reason, actorLabel: r.actor_label }],
  );
}
