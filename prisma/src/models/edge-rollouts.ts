// Signed over-the-air updates of the edge fleet: a model version rolled out to the model's edge
// deployments in two waves, a canary share first (chosen by hash, so a rollout's canaries are
// fixed). Each target's agent fetches its update (a signed bundle), verifies it, runs a smoke test
// on windows it holds, and reports. Every canary passing offers the rest; every target updated
// ends the rollout. One failure — a tampered or unverifiable update, a smoke test that fails —
// rolls the rollout back by itself: each updated deployment goes back to the version it ran before
// (and its agent is offered that version again), targets not yet updated are never offered it.
// Everything is audited.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { Refusal } from '../refusal.ts';
import { row, rows, type RawSql } from '../sql.ts';
import { recordAssignment } from './deployments.ts';
import { edgeAgentActor } from './edge-forwarding.ts';

export interface RolloutReport {
  rolloutId: string;
  deploymentId: string;
  action: 'INSTALL' | 'ROLLBACK';
  ok: boolean;
  reason: string | null;
  /** What the agent measured (the smoke test's windows and alert shares). */
  details: Record<string, unknown>;
}

export interface OfferedUpdate {
  rolloutId: string;
  deploymentId: string;
  action: 'INSTALL' | 'ROLLBACK';
  versionId: string;
}

export async function startEdgeRollout(
  db: RawSql,
  organizationId: string,
  input: { versionId: string; canaryShare: number },
  startedById: string | null,
  actor: AuditActor,
): Promise<{ id: string }> {
  if (!(input.canaryShare > 0 && input.canaryShare <= 1)) throw new Refusal('canaryShare lies in (0, 1].', 'canaryShare');
  const version = await row<{ modelId: string; retired: boolean }>(
    db,
    'SELECT model_id AS "modelId", retired_at IS NOT NULL AS retired FROM model_versions WHERE organization_id = $1 AND id = $2::uuid',
    organizationId,
    input.versionId,
  );
  if (!version) throw new Refusal(`ModelVersion ${input.versionId} does not exist in your organisation.`, 'versionId', 'NOT_FOUND');
  if (version.retired) throw new Refusal('The version is retired.', 'versionId', 'CONFLICT');
  const running = await row(
    db,
    "SELECT 1 FROM edge_rollouts WHERE organization_id = $1 AND model_id = $2 AND status = 'RUNNING'",
    organizationId,
    version.modelId,
  );
  if (running) throw new Refusal('A rollout of this model is running; let it end first.', 'versionId', 'CONFLICT');
  const targets = await rows<{ deploymentId: string; previousVersionId: string }>(
    db,
    `SELECT d.id AS "deploymentId", d.model_version_id AS "previousVersionId"
       FROM deployments d
       JOIN edge_targets e ON e.organization_id = d.organization_id AND e.id = d.edge_target_id
       JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
      WHERE d.organization_id = $1 AND v.model_id = $2 AND e.kind <> 'CLOUD' AND d.status IN ('ACTIVE', 'FALLBACK') AND d.model_version_id <> $3::uuid`,
    organizationId,
    version.modelId,
    input.versionId,
  );
  if (targets.length === 0) throw new Refusal('No edge deployment of the model runs another version.', 'versionId', 'CONFLICT');
  const [rollout] = await rows<{ id: string }>(
    db,
    `INSERT INTO edge_rollouts (organization_id, model_id, version_id, canary_share, started_by_id) VALUES ($1, $2, $3::uuid, $4, $5::uuid) RETURNING id`,
    organizationId,
    version.modelId,
    input.versionId,
    input.canaryShare,
    startedById,
  );
  const canaries = Math.max(1, Math.ceil(input.canaryShare * targets.length));
  await db.$executeRawUnsafe(
    `INSERT INTO edge_rollout_targets (rollout_id, deployment_id, organization_id, wave, previous_version_id, step)
     SELECT $2::uuid, t.d, $1, CASE WHEN t.rank <= $5 THEN 0 ELSE 1 END, t.p, (CASE WHEN t.rank <= $5 THEN 'OFFERED' ELSE 'WAITING' END)::edge_rollout_step
       FROM (SELECT d, p, row_number() OVER (ORDER BY md5($2::text || d::text)) AS rank FROM unnest($3::uuid[], $4::uuid[]) AS u(d, p)) t`,
    organizationId,
    rollout!.id,
    targets.map((t) => t.deploymentId),
    targets.map((t) => t.previousVersionId),
    canaries,
  );
  const offered = await rows<{ deploymentId: string }>(
    db,
    'SELECT deployment_id AS "deploymentId" FROM edge_rollout_targets WHERE organization_id = $1 AND rollout_id = $2 AND wave = 0 ORDER BY deployment_id',
    organizationId,
    rollout!.id,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'edge_rollout.created',
    actor,
    subjectType: 'edge_rollout',
    subjectId: rollout!.id,
    payload: {
      modelId: version.modelId,
      versionId: input.versionId,
      canaryShare: input.canaryShare,
      targets: targets.length,
      canaries: offered.map((o) => o.deploymentId),
    },
  });
  return rollout!;
}

/** What an edge target's agent should do now: install a rollout's version, or go back to the one it ran before. */
export function offeredUpdate(db: RawSql, organizationId: string, targetId: string): Promise<OfferedUpdate | undefined> {
  return row<OfferedUpdate>(
    db,
    `SELECT t.rollout_id AS "rolloutId", t.deployment_id AS "deploymentId",
            CASE t.step WHEN 'OFFERED' THEN 'INSTALL' ELSE 'ROLLBACK' END AS action,
            CASE t.step WHEN 'OFFERED' THEN r.version_id ELSE t.previous_version_id END AS "versionId"
       FROM edge_rollout_targets t
       JOIN edge_rollouts r ON r.organization_id = t.organization_id AND r.id = t.rollout_id
       JOIN deployments d ON d.organization_id = t.organization_id AND d.id = t.deployment_id
      WHERE t.organization_id = $1 AND d.edge_target_id = $2::uuid AND t.step IN ('OFFERED', 'ROLLING_BACK')
      ORDER BY r.started_at LIMIT 1`,
    organizationId,
    targetId,
  );
}

interface TargetRow {
  step: string;
  wave: number;
  previousVersionId: string;
  versionId: string;
  status: string;
  edgeTargetId: string;
}

/** An agent's report on its update; moves the rollout on, or rolls it back. Returns the rollout's status. */
export async function reportRolloutStep(db: RawSql, organizationId: string, targetId: string, report: RolloutReport): Promise<string> {
  await db.$executeRawUnsafe('SELECT 1 FROM edge_rollouts WHERE organization_id = $1 AND id = $2::uuid FOR UPDATE', organizationId, report.rolloutId);
  const target = await row<TargetRow>(
    db,
    `SELECT t.step, t.wave, t.previous_version_id AS "previousVersionId", r.version_id AS "versionId", r.status, d.edge_target_id AS "edgeTargetId"
       FROM edge_rollout_targets t
       JOIN edge_rollouts r ON r.organization_id = t.organization_id AND r.id = t.rollout_id
       JOIN deployments d ON d.organization_id = t.organization_id AND d.id = t.deployment_id
      WHERE t.organization_id = $1 AND t.rollout_id = $2::uuid AND t.deployment_id = $3::uuid`,
    organizationId,
    report.rolloutId,
    report.deploymentId,
  );
  if (!target || target.edgeTargetId !== targetId) throw new Refusal('This target has no such update.', 'deploymentId', 'NOT_FOUND');
  const expected = report.action === 'INSTALL' ? 'OFFERED' : 'ROLLING_BACK';
  if (target.step !== expected) return target.status;
  const actor = edgeAgentActor(targetId);
  const step = report.action === 'ROLLBACK' ? (report.ok ? 'ROLLED_BACK' : 'ROLLING_BACK') : report.ok ? 'UPDATED' : 'FAILED';
  await db.$executeRawUnsafe(
    `UPDATE edge_rollout_targets SET step = $4::edge_rollout_step, report = $5::jsonb, reported_at = now()
      WHERE organization_id = $1 AND rollout_id = $2::uuid AND deployment_id = $3::uuid`,
    organizationId,
    report.rolloutId,
    report.deploymentId,
    step,
    JSON.stringify({ ok: report.ok, reason: report.reason, ...report.details }),
  );
  if (step === 'UPDATED') await moveDeployment(db, organizationId, report.deploymentId, target.versionId, 'over-the-air update', actor);
  let status = target.status;
  if (step === 'FAILED') status = await rollBack(db, organizationId, report, actor);
  else if (status === 'RUNNING') status = await advance(db, organizationId, report.rolloutId);
  await appendAuditEvent(db, {
    organizationId,
    type: 'edge_rollout.updated',
    actor,
    subjectType: 'edge_rollout',
    subjectId: report.rolloutId,
    payload: { deploymentId: report.deploymentId, step, status, action: report.action, ok: report.ok, reason: report.reason, details: report.details as never },
  });
  return status;
}

async function moveDeployment(db: RawSql, organizationId: string, deploymentId: string, versionId: string, reason: string, actor: AuditActor): Promise<void> {
  await db.$executeRawUnsafe(
    'UPDATE deployments SET model_version_id = $3::uuid WHERE organization_id = $1 AND id = $2::uuid',
    organizationId,
    deploymentId,
    versionId,
  );
  await recordAssignment(db, organizationId, deploymentId, versionId, reason, actor);
}

/** Offers the second wave once every canary is updated; ends the rollout once every target is. */
async function advance(db: RawSql, organizationId: string, rolloutId: string): Promise<string> {
  const steps = await rows<{ wave: number; step: string }>(
    db,
    'SELECT wave, step FROM edge_rollout_targets WHERE organization_id = $1 AND rollout_id = $2::uuid',
    organizationId,
    rolloutId,
  );
  if (steps.every((s) => s.step === 'UPDATED')) {
    await db.$executeRawUnsafe(
      "UPDATE edge_rollouts SET status = 'SUCCEEDED', ended_at = now() WHERE organization_id = $1 AND id = $2::uuid",
      organizationId,
      rolloutId,
    );
    return 'SUCCEEDED';
  }
  if (steps.filter((s) => s.wave === 0).every((s) => s.step === 'UPDATED'))
    await db.$executeRawUnsafe(
      "UPDATE edge_rollout_targets SET step = 'OFFERED' WHERE organization_id = $1 AND rollout_id = $2::uuid AND wave = 1 AND step = 'WAITING'",
      organizationId,
      rolloutId,
    );
  return 'RUNNING';
}

/** A target failed: every updated deployment goes back to its previous version; nothing else is offered. */
async function rollBack(db: RawSql, organizationId: string, report: RolloutReport, actor: AuditActor): Promise<string> {
  const updated = await rows<{ deploymentId: string; previousVersionId: string }>(
    db,
    `UPDATE edge_rollout_targets SET step = 'ROLLING_BACK' WHERE organization_id = $1 AND rollout_id = $2::uuid AND step = 'UPDATED'
     RETURNING deployment_id AS "deploymentId", previous_version_id AS "previousVersionId"`,
    organizationId,
    report.rolloutId,
  );
  await db.$executeRawUnsafe(
    "UPDATE edge_rollout_targets SET step = 'ROLLED_BACK' WHERE organization_id = $1 AND rollout_id = $2::uuid AND step IN ('OFFERED', 'WAITING')",
    organizationId,
    report.rolloutId,
  );
  for (const u of updated) await moveDeployment(db, organizationId, u.deploymentId, u.previousVersionId, 'over-the-air rollback', actor);
  const reason = `target of deployment ${report.deploymentId} failed: ${report.reason ?? 'no reason given'}`;
  await db.$executeRawUnsafe(
    "UPDATE edge_rollouts SET status = 'ROLLED_BACK', reason = $3, ended_at = now() WHERE organization_id = $1 AND id = $2::uuid",
    organizationId,
    report.rolloutId,
    reason,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'edge_rollout.rolled_back',
    actor,
    subjectType: 'edge_rollout',
    subjectId: report.rolloutId,
    payload: { deploymentId: report.deploymentId, reason, rolledBack: updated.map((u) => u.deploymentId) },
  });
  return 'ROLLED_BACK';
}
