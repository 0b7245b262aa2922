// Which assets a deployment scores: its asset when it names one, otherwise every asset of the
// model's asset type, within the edge target's site when the target belongs to a site.
export const DEPLOYMENTS_CHANNEL = 'deployments_changed';

/** FROM deployments d … giving e (target), v (current version), m (model), a (covered asset). */
const SCOPE = `
    FROM deployments d
    JOIN edge_targets e ON e.organization_id = d.organization_id AND e.id = d.edge_target_id
    JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
    JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
    JOIN assets a ON a.organization_id = d.organization_id
     AND (a.id = d.asset_id OR (d.asset_id IS NULL AND a.asset_type_id = m.asset_type_id))
    JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
   WHERE (e.site_id IS NULL OR l.site_id = e.site_id)`;

/** (deployment, asset) of live deployments; `$1` is an organisation or NULL for all. */
export const DEPLOYMENT_ASSETS_SQL = `
  SELECT d.id AS deployment_id, d.organization_id, a.id AS asset_id, e.kind AS target_kind,
         (v.feature_spec->>'stepSeconds')::int AS step_seconds
  ${SCOPE} AND d.status IN ('ACTIVE', 'FALLBACK') AND ($1::uuid IS NULL OR d.organization_id = $1::uuid)`;

/**
 * Per deployment that ever covered asset `$2` of organisation `$1`: its assignment in force at
 * `$3` (model_version_id null when it was retired by then).
 */
export const ASSIGNMENTS_AT_SQL = `
  SELECT DISTINCT ON (ma.deployment_id) ma.deployment_id, ma.model_version_id, ma.valid_from, ma.reason, ma.actor_label
    FROM model_assignments ma
   WHERE ma.organization_id = $1::uuid AND ma.valid_from <= $3
     AND ma.deployment_id IN (SELECT d.id ${SCOPE} AND d.organization_id = $1::uuid AND a.id = $2::uuid)
   ORDER BY ma.deployment_id, ma.valid_from DESC, ma.id DESC`;
