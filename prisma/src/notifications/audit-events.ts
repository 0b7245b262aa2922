// The notification an audited event makes: an insight raised, a drift report that found drift, a
// retraining run that ended, a promotion or gate review requested, a promotion decided. The audit
// trail is written in the transaction of each of these, so every one of them is told, exactly when
// it happened; appendAuditEvent records a fan-out job for the types named here, and the job reads
// what a receiver needs (names, codes, scope) with `notificationOfAuditEvent`.
import { row, type RawSql } from '../sql.ts';
import type { Severity } from '../generated/prisma/enums.ts';
import type { NotificationEvent } from './catalogue.ts';

interface AuditRow {
  organizationId: string;
  type: string;
  subjectType: string;
  subjectId: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
  actorLabel: string;
}

type Built = Omit<NotificationEvent, 'organizationId' | 'key' | 'occurredAt' | 'subjectType' | 'subjectId'>;

export async function notificationOfAuditEvent(db: RawSql, organizationId: string, auditEventId: string): Promise<NotificationEvent | null> {
  const audit = await row<AuditRow>(
    db,
    `SELECT organization_id AS "organizationId", type, subject_type AS "subjectType", subject_id AS "subjectId", payload,
            occurred_at AS "occurredAt", actor_label AS "actorLabel"
       FROM audit_events WHERE organization_id = $1::uuid AND id = $2::uuid`,
    organizationId,
    auditEventId,
  );
  if (!audit?.subjectId) return null;
  const built = await BUILDERS[audit.type]?.(db, audit, audit.subjectId);
  if (!built) return null;
  return {
    ...built,
    organizationId,
    key: `audit:${auditEventId}`,
    subjectType: audit.subjectType,
    subjectId: audit.subjectId,
    occurredAt: audit.occurredAt.toISOString(),
  };
}

const BUILDERS: Record<string, (db: RawSql, audit: AuditRow, subjectId: string) => Promise<Built | null>> = {
  'insight.created': insightRaised,
  'drift_report.created': driftDetected,
  'training_run.updated': retrainingDone,
  'approval.created': approvalRequested,
  'approval.updated': promotionDecided,
};

interface InsightFacts {
  id: string;
  title: string;
  severity: Severity;
  kind: string;
  assetId: string;
  assetCode: string;
  assetName: string;
  assetTypeId: string;
  useCaseId: string | null;
  useCaseName: string | null;
  raisedAt: Date;
}

/** An insight with its asset and use case, for its notification and its escalation. */
export function insightFacts(db: RawSql, organizationId: string, insightId: string): Promise<InsightFacts | undefined> {
  return row<InsightFacts>(
    db,
    `SELECT i.id, i.title, i.severity::text AS severity, i.kind::text AS kind, a.id AS "assetId", a.code AS "assetCode", a.name AS "assetName",
            a.asset_type_id AS "assetTypeId", u.id AS "useCaseId", u.name AS "useCaseName", i.raised_at AS "raisedAt"
       FROM insights i JOIN assets a ON a.id = i.asset_id LEFT JOIN use_cases u ON u.id = i.use_case_id
      WHERE i.organization_id = $1::uuid AND i.id = $2::uuid`,
    organizationId,
    insightId,
  );
}

/** The notification of an insight: raised, or escalated after `minutesOpen` without acknowledgement. */
export function insightNotification(insight: InsightFacts, escalation?: { minutesOpen: number; rule: string }): Built {
  const where = `${insight.assetCode} (${insight.assetName})`;
  return {
    kind: escalation ? 'insight.escalated' : 'insight.raised',
    severity: insight.severity,
    title: escalation ? `Unacknowledged for ${Math.round(escalation.minutesOpen)} min: ${insight.title}` : insight.title,
    summary: escalation
      ? `The ${insight.severity.toLowerCase()} insight on ${where} raised at ${insight.raisedAt.toISOString()} is still unacknowledged; rule "${escalation.rule}" escalates it to you.`
      : `A ${insight.severity.toLowerCase()} ${insight.kind.toLowerCase()} insight was raised on ${where}${insight.useCaseName ? ` for "${insight.useCaseName}"` : ''}.`,
    scope: { useCaseId: insight.useCaseId, assetId: insight.assetId, assetTypeId: insight.assetTypeId },
    link: `/assets?asset=${insight.assetId}`,
    facts: {
      insightId: insight.id,
      assetId: insight.assetId,
      assetCode: insight.assetCode,
      useCase: insight.useCaseName,
      raisedAt: insight.raisedAt.toISOString(),
    },
  };
}

async function insightRaised(db: RawSql, audit: AuditRow, insightId: string): Promise<Built | null> {
  const insight = await insightFacts(db, audit.organizationId, insightId);
  return insight ? insightNotification(insight) : null;
}

interface ModelFacts {
  modelId: string;
  modelName: string;
  useCaseId: string | null;
  assetTypeId: string | null;
  version: number | null;
}

function modelOfVersion(db: RawSql, organizationId: string, versionId: string): Promise<ModelFacts | undefined> {
  return row<ModelFacts>(
    db,
    `SELECT m.id AS "modelId", m.name AS "modelName", m.use_case_id AS "useCaseId", m.asset_type_id AS "assetTypeId", v.version
       FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.organization_id = $1::uuid AND v.id = $2::uuid`,
    organizationId,
    versionId,
  );
}

const modelScope = (model: ModelFacts) => ({ useCaseId: model.useCaseId, assetId: null, assetTypeId: model.assetTypeId });

/** drift_report.created is about the model version; the report is named in its payload. */
async function driftDetected(db: RawSql, audit: AuditRow): Promise<Built | null> {
  const reportId = typeof audit.payload.driftReportId === 'string' ? audit.payload.driftReportId : null;
  if (!reportId) return null;
  const report = await row<{ drifting: boolean; share: number; versionId: string }>(
    db,
    'SELECT drifting, drifting_share AS share, model_version_id AS "versionId" FROM drift_reports WHERE organization_id = $1::uuid AND id = $2::uuid',
    audit.organizationId,
    reportId,
  );
  if (!report?.drifting) return null;
  const model = await modelOfVersion(db, audit.organizationId, report.versionId);
  if (!model) return null;
  return {
    kind: 'drift.detected',
    severity: 'WARNING',
    title: `Drift on ${model.modelName} v${model.version}`,
    summary: `${Math.round(report.share * 100)} % of the features of ${model.modelName} v${model.version} drifted from its training data.`,
    scope: modelScope(model),
    link: `/models?model=${model.modelId}`,
    facts: { driftReportId: reportId, modelId: model.modelId, version: model.version, driftingShare: report.share },
  };
}

async function retrainingDone(db: RawSql, audit: AuditRow, runId: string): Promise<Built | null> {
  const status = audit.payload.status;
  if (status !== 'SUCCEEDED' && status !== 'FAILED') return null;
  const model = await row<ModelFacts & { trigger: string; versionId: string | null; error: string | null }>(
    db,
    `SELECT m.id AS "modelId", m.name AS "modelName", m.use_case_id AS "useCaseId", m.asset_type_id AS "assetTypeId", v.version,
            r.trigger::text AS trigger, v.id AS "versionId", r.error
       FROM training_runs r JOIN models m ON m.id = r.model_id LEFT JOIN model_versions v ON v.training_run_id = r.id
      WHERE r.organization_id = $1::uuid AND r.id = $2::uuid`,
    audit.organizationId,
    runId,
  );
  if (!model) return null;
  const succeeded = status === 'SUCCEEDED';
  return {
    kind: 'retraining.done',
    severity: succeeded ? 'INFO' : 'WARNING',
    title: succeeded ? `${model.modelName} retrained: v${model.version}` : `Retraining of ${model.modelName} failed`,
    summary: succeeded
      ? `A ${model.trigger.toLowerCase()} training run of ${model.modelName} registered version ${model.version}.`
      : `A ${model.trigger.toLowerCase()} training run of ${model.modelName} failed: ${model.error ?? 'no reason recorded'}.`,
    scope: modelScope(model),
    link: `/models?model=${model.modelId}`,
    facts: { trainingRunId: runId, modelId: model.modelId, status, version: model.version, versionId: model.versionId },
  };
}

interface ApprovalFacts {
  subject: 'MODEL_PROMOTION' | 'GATE_DECISION';
  subjectId: string;
  status: string;
  comment: string | null;
  requestedBy: string;
  decidedBy: string | null;
}

function approvalOf(db: RawSql, organizationId: string, approvalId: string): Promise<ApprovalFacts | undefined> {
  return row<ApprovalFacts>(
    db,
    `SELECT a.subject_type::text AS subject, a.subject_id AS "subjectId", a.status::text AS status, a.comment,
            r.name AS "requestedBy", d.name AS "decidedBy"
       FROM approvals a JOIN users r ON r.id = a.requested_by_id LEFT JOIN users d ON d.id = a.approver_id
      WHERE a.organization_id = $1::uuid AND a.id = $2::uuid`,
    organizationId,
    approvalId,
  );
}

async function approvalRequested(db: RawSql, audit: AuditRow, approvalId: string): Promise<Built | null> {
  const approval = await approvalOf(db, audit.organizationId, approvalId);
  if (!approval) return null;
  if (approval.subject === 'MODEL_PROMOTION') {
    const model = await modelOfVersion(db, audit.organizationId, approval.subjectId);
    if (!model) return null;
    return {
      kind: 'promotion.requested',
      severity: 'INFO',
      title: `Promotion of ${model.modelName} v${model.version} requested`,
      summary: `${approval.requestedBy} asks for ${model.modelName} v${model.version} to be made champion; an approver decides.`,
      scope: modelScope(model),
      link: `/models?model=${model.modelId}`,
      facts: { approvalId, modelId: model.modelId, versionId: approval.subjectId, version: model.version, requestedBy: approval.requestedBy },
    };
  }
  const wave = await row<{ name: string; useCaseId: string; useCaseName: string }>(
    db,
    `SELECT w.name, w.use_case_id AS "useCaseId", u.name AS "useCaseName" FROM scaling_waves w JOIN use_cases u ON u.id = w.use_case_id
      WHERE w.organization_id = $1::uuid AND w.id = $2::uuid`,
    audit.organizationId,
    approval.subjectId,
  );
  if (!wave) return null;
  return {
    kind: 'gate_review.requested',
    severity: 'INFO',
    title: `Gate review requested: ${wave.name}`,
    summary: `${approval.requestedBy} asks to advance the wave "${wave.name}" of "${wave.useCaseName}"; an approver reviews its gates.`,
    scope: { useCaseId: wave.useCaseId, assetId: null, assetTypeId: null },
    link: `/use-cases/${wave.useCaseId}`,
    facts: { approvalId, waveId: approval.subjectId, useCase: wave.useCaseName, requestedBy: approval.requestedBy },
  };
}

async function promotionDecided(db: RawSql, audit: AuditRow, approvalId: string): Promise<Built | null> {
  const approval = await approvalOf(db, audit.organizationId, approvalId);
  if (approval?.subject !== 'MODEL_PROMOTION' || approval.status === 'PENDING') return null;
  const model = await modelOfVersion(db, audit.organizationId, approval.subjectId);
  if (!model) return null;
  const approved = approval.status === 'APPROVED';
  return {
    kind: 'promotion.decided',
    severity: 'INFO',
    title: `Promotion of ${model.modelName} v${model.version} ${approved ? 'approved' : 'rejected'}`,
    summary: `${approval.decidedBy ?? audit.actorLabel} ${approved ? 'approved' : 'rejected'} making ${model.modelName} v${model.version} champion${approval.comment ? `: "${approval.comment}"` : '.'}`,
    scope: modelScope(model),
    link: `/models?model=${model.modelId}`,
    facts: {
      approvalId,
      modelId: model.modelId,
      versionId: approval.subjectId,
      version: model.version,
      status: approval.status,
      decidedBy: approval.decidedBy,
    },
  };
}
