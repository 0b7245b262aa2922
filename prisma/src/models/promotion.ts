// Promotion to champion is a human decision (DESIGN §2, A/B): a data scientist requests it with
// the candidate's evidence, an approver other than the requester decides (audit/approvals.ts),
// and only an approval moves the champion alias, with the evidence in the audit trail. Rolling
// back moves an alias to the version it named before its last move.
import type { JsonValue } from '../audit/audit-hash.ts';
import { decideApproval, lockPendingApproval, requestApproval } from '../audit/approvals.ts';
import type { AuditActor } from '../audit/audit-log.ts';
import type { Approval } from '../client.ts';
import { Refusal } from '../refusal.ts';
import { row, type RawSql } from '../sql.ts';
import { CHAMPION_ALIAS } from './experiments.ts';
import { moveAlias } from './registry.ts';

/**
 * What an approver sees and the audit trail keeps: both versions' metrics, the candidate's latest
 * experiment, and how each version scored the very windows operators gave a verdict on (the model's
 * insights judged a true problem or a false alarm): true problems it flags, false alarms it repeats,
 * and verdicts on windows it never scored (a candidate scores them as a shadow or challenger).
 */
async function evidenceOf(db: RawSql, organizationId: string, modelId: string, versionId: string): Promise<Record<string, JsonValue>> {
  const found = await row<{ candidate: JsonValue; champion: JsonValue; experiment: JsonValue }>(
    db,
    `SELECT (SELECT jsonb_build_object('versionId', v.id, 'version', v.version, 'metrics', v.metrics) FROM model_versions v
              WHERE v.organization_id = $1::uuid AND v.id = $3::uuid) AS candidate,
            (SELECT jsonb_build_object('versionId', v.id, 'version', v.version, 'metrics', v.metrics) FROM model_aliases a
               JOIN model_versions v ON v.id = a.model_version_id WHERE a.organization_id = $1::uuid AND a.model_id = $2::uuid AND a.alias = $4) AS champion,
            (SELECT jsonb_build_object('experimentId', x.id, 'kind', x.kind, 'status', x.status, 'result', x.result) FROM experiments x
              WHERE x.organization_id = $1::uuid AND x.challenger_version_id = $3::uuid ORDER BY x.started_at DESC LIMIT 1) AS experiment`,
    organizationId,
    modelId,
    versionId,
    CHAMPION_ALIAS,
  );
  const championId = (found!.champion as { versionId?: string } | null)?.versionId ?? null;
  return {
    candidate: found!.candidate,
    champion: found!.champion,
    experiment: found!.experiment,
    verdicts: {
      candidate: await onVerdicts(db, organizationId, modelId, versionId),
      champion: championId ? await onVerdicts(db, organizationId, modelId, championId) : null,
    },
  };
}

async function onVerdicts(db: RawSql, organizationId: string, modelId: string, versionId: string): Promise<JsonValue> {
  const found = await row<{ figures: JsonValue }>(
    db,
    `SELECT jsonb_build_object(
              'trueProblems', count(*) FILTER (WHERE i.verdict = 'TRUE_PROBLEM'),
              'trueProblemsFlagged', count(*) FILTER (WHERE i.verdict = 'TRUE_PROBLEM' AND p.score >= v.threshold),
              'falseAlarms', count(*) FILTER (WHERE i.verdict = 'FALSE_ALARM'),
              'falseAlarmsRepeated', count(*) FILTER (WHERE i.verdict = 'FALSE_ALARM' AND p.score >= v.threshold),
              'unscored', count(*) FILTER (WHERE p.score IS NULL)) AS figures
       FROM insights i
       JOIN model_versions v ON v.organization_id = i.organization_id AND v.id = $3::uuid
       LEFT JOIN predictions p ON p.organization_id = i.organization_id AND p.model_version_id = v.id AND p.asset_id = i.asset_id AND p.ts = i.evidence_end_at
      WHERE i.organization_id = $1::uuid AND i.source_key = 'model:' || $2::text AND i.verdict IN ('TRUE_PROBLEM', 'FALSE_ALARM')`,
    organizationId,
    modelId,
    versionId,
  );
  return found!.figures;
}

interface VersionState {
  modelId: string;
  retired: boolean;
}

async function versionState(db: RawSql, organizationId: string, versionId: string): Promise<VersionState | undefined> {
  return row<VersionState>(
    db,
    'SELECT model_id AS "modelId", retired_at IS NOT NULL AS retired FROM model_versions WHERE organization_id = $1::uuid AND id = $2::uuid',
    organizationId,
    versionId,
  );
}

/** Asks an approver to make the version the champion; returns the approval's id. */
export async function requestPromotion(
  db: RawSql,
  input: { organizationId: string; versionId: string; requestedById: string; comment: string | null },
  actor: AuditActor,
): Promise<Approval> {
  const version = await versionState(db, input.organizationId, input.versionId);
  if (!version) throw new Refusal(`ModelVersion ${input.versionId} does not exist in your organisation.`, 'versionId', 'NOT_FOUND');
  if (version.retired) throw new Refusal('The version is retired.', 'versionId', 'CONFLICT');
  return requestApproval(
    db,
    {
      organizationId: input.organizationId,
      subject: 'MODEL_PROMOTION',
      subjectId: input.versionId,
      requestedById: input.requestedById,
      comment: input.comment,
      evidence: { modelId: version.modelId, ...(await evidenceOf(db, input.organizationId, version.modelId, input.versionId)) },
    },
    actor,
  );
}

/** Decides a promotion request; approving moves the champion alias (and the deployments following it). */
export async function decidePromotion(
  db: RawSql,
  input: { organizationId: string; approvalId: string; deciderId: string | null; approve: boolean; comment: string | null },
  actor: AuditActor,
): Promise<Approval> {
  const approval = await lockPendingApproval(db, input.organizationId, input.approvalId, 'MODEL_PROMOTION', input.deciderId);
  const version = await versionState(db, input.organizationId, approval.subjectId);
  if (!version || version.retired) throw new Refusal('The version is gone or retired; reject the request.', 'approvalId', 'CONFLICT');
  const evidence = await evidenceOf(db, input.organizationId, version.modelId, approval.subjectId);
  const decided = await decideApproval(
    db,
    approval,
    { organizationId: input.organizationId, approve: input.approve, deciderId: input.deciderId, comment: input.comment, evidence },
    actor,
  );
  if (input.approve)
    await moveAlias(db, input.organizationId, version.modelId, CHAMPION_ALIAS, approval.subjectId, actor, { approvalId: approval.id, ...evidence });
  return decided;
}

/** Moves an alias back to the version it named before its last move. */
export async function rollbackAlias(
  db: RawSql,
  input: { organizationId: string; modelId: string; alias: string; comment: string | null },
  actor: AuditActor,
): Promise<void> {
  const alias = await row<{ versionId: string; previousVersionId: string | null }>(
    db,
    'SELECT model_version_id AS "versionId", previous_version_id AS "previousVersionId" FROM model_aliases WHERE organization_id = $1::uuid AND model_id = $2::uuid AND alias = $3 FOR UPDATE',
    input.organizationId,
    input.modelId,
    input.alias,
  );
  if (!alias) throw new Refusal(`ModelAlias ${input.modelId}/${input.alias} does not exist in your organisation.`, 'alias', 'NOT_FOUND');
  if (!alias.previousVersionId) throw new Refusal(`Alias ${input.alias} has not moved yet; there is nothing to roll back to.`, 'alias', 'CONFLICT');
  await moveAlias(db, input.organizationId, input.modelId, input.alias, alias.previousVersionId, actor, {
    rollback: true,
    rolledBackVersionId: alias.versionId,
    comment: input.comment,
  });
}
