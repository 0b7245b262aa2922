// Deployments and their append-only assignment history: deploy a version (or an alias) to a
// target, retire a deployment, and tell the inference dispatchers that deployments changed. Each
// write appends its audit event in the caller's transaction.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { rows, type RawSql } from '../sql.ts';
import { Refusal } from '../refusal.ts';
import { storedTableSpec } from './table-spec.ts';
import { DEPLOYMENTS_CHANNEL } from './deployment-scope.ts';

/** Appends to the assignment history: from now on the deployment runs `versionId` (null: nothing). */
export async function recordAssignment(
  db: RawSql,
  organizationId: string,
  deploymentId: string,
  versionId: string | null,
  reason: string,
  actor: AuditActor,
): Promise<void> {
  await db.$executeRawUnsafe(
    'INSERT INTO model_assignments (organization_id, deployment_id, model_version_id, reason, actor_label) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5)',
    organizationId,
    deploymentId,
    versionId,
    reason,
    actor.label,
  );
}

/** Tells the inference dispatchers that deployments changed (delivered when the transaction commits). */
export async function announceDeployments(db: RawSql, organizationId: string): Promise<void> {
  await db.$executeRawUnsafe('SELECT pg_notify($1, $2)', DEPLOYMENTS_CHANNEL, organizationId);
}

export interface NewDeployment {
  organizationId: string;
  modelId: string;
  /** Exactly one of versionId and alias. */
  versionId: string | null;
  alias: string | null;
  edgeTargetId: string;
  assetId: string | null;
  mode: 'CHAMPION' | 'CHALLENGER' | 'SHADOW';
  trafficShare: number;
  /** Score the windows from this time when the deployment first runs (a backfill of up to 92 days); without it, from now. */
  scoreFrom?: Date | null;
}

const MAX_BACKFILL_DAYS = 92;

/** Deploys a version (or whatever version an alias names, following it from then on) to a target. */
export async function createDeployment(db: RawSql, input: NewDeployment, actor: AuditActor): Promise<{ id: string; versionId: string }> {
  let versionId = input.versionId;
  if (input.alias) {
    const [aliased] = await db.$queryRawUnsafe<{ model_version_id: string }[]>(
      'SELECT model_version_id FROM model_aliases WHERE organization_id = $1::uuid AND model_id = $2::uuid AND alias = $3',
      input.organizationId,
      input.modelId,
      input.alias,
    );
    if (!aliased) throw new Refusal(`model has no alias ${input.alias}; set it first`, 'alias');
    versionId = aliased.model_version_id;
  }
  const [version] = await db.$queryRawUnsafe<{ id: string; retired_at: Date | null; feature_spec: unknown }[]>(
    'SELECT id, retired_at, feature_spec FROM model_versions WHERE organization_id = $1::uuid AND model_id = $2::uuid AND id = $3::uuid',
    input.organizationId,
    input.modelId,
    versionId,
  );
  if (!version) throw new Refusal('the version does not belong to the model', 'versionId');
  if (version.retired_at) throw new Refusal('the version is retired and cannot be deployed', 'versionId');
  if (storedTableSpec(version.feature_spec))
    throw new Refusal(
      'the version was trained on a table: it scores tables (backtests, npm run ml -- score), not telemetry windows; deploy a version trained on telemetry',
      'versionId',
      'CONFLICT',
    );
  if (input.scoreFrom) {
    const [span] = await db.$queryRawUnsafe<{ within: boolean }[]>(
      'SELECT $1::timestamptz <= now() AND $1::timestamptz >= now() - make_interval(days => $2::int) AS within',
      input.scoreFrom,
      MAX_BACKFILL_DAYS,
    );
    if (!span!.within) throw new Refusal(`scoreFrom must lie in the last ${MAX_BACKFILL_DAYS} days`, 'scoreFrom');
  }
  const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO deployments (organization_id, model_version_id, alias, edge_target_id, asset_id, mode, traffic_share, status, deployed_by_id, deployed_at, score_from)
     VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5::uuid, $6::deployment_mode, $7, 'ACTIVE', $8::uuid, now(), $9) RETURNING id`,
    input.organizationId,
    version.id,
    input.alias,
    input.edgeTargetId,
    input.assetId,
    input.mode,
    input.trafficShare,
    actor.kind === 'USER' ? actor.id : null,
    input.scoreFrom ?? null,
  );
  await recordAssignment(db, input.organizationId, row!.id, version.id, input.alias ? `deployed following alias ${input.alias}` : 'deployed', actor);
  await appendAuditEvent(db, {
    organizationId: input.organizationId,
    type: 'deployment.created',
    actor,
    subjectType: 'deployment',
    subjectId: row!.id,
    payload: {
      modelId: input.modelId,
      versionId: version.id,
      alias: input.alias,
      edgeTargetId: input.edgeTargetId,
      assetId: input.assetId,
      mode: input.mode,
      trafficShare: input.trafficShare,
    },
  });
  await announceDeployments(db, input.organizationId);
  return { id: row!.id, versionId: version.id };
}

/** Retires a deployment: it stops scoring, and the history records that nothing runs from now on. */
export async function retireDeployment(db: RawSql, organizationId: string, deploymentId: string, actor: AuditActor): Promise<boolean> {
  const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
    "UPDATE deployments SET status = 'RETIRED', retired_at = now(), updated_at = now() WHERE organization_id = $1::uuid AND id = $2::uuid AND status <> 'RETIRED' RETURNING id",
    organizationId,
    deploymentId,
  );
  if (!row) return false;
  await recordAssignment(db, organizationId, deploymentId, null, 'retired', actor);
  await appendAuditEvent(db, { organizationId, type: 'deployment.retired', actor, subjectType: 'deployment', subjectId: deploymentId, payload: {} });
  await announceDeployments(db, organizationId);
  return true;
}

/** Every organisation's live deployments (active or on their fallback rules). */
export function liveDeployments(db: RawSql): Promise<{ id: string; organizationId: string }[]> {
  return rows<{ id: string; organizationId: string }>(
    db,
    `SELECT id, organization_id AS "organizationId" FROM deployments WHERE status IN ('ACTIVE', 'FALLBACK')`,
  );
}
