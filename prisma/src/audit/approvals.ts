// The one rule for a decision that needs a second person (a wave advance, a model promotion): a
// request opens a PENDING approval with its evidence, audited; a decision locks the approval row,
// refuses a decision already taken (CONFLICT) and the requester deciding their own request
// (FORBIDDEN: four eyes), changes exactly that one pending row and writes one audit event. All in
// the caller's transaction, so the change the decision allows commits with it or not at all, and
// of two concurrent decisions the second waits for the lock and is refused.
import type { JsonValue } from './audit-hash.ts';
import { appendAuditEvent, type AuditActor } from './audit-log.ts';
import type { Approval } from '../client.ts';
import { camelCased, row, rows, written, type RawSql } from '../sql.ts';
import { Refusal } from '../refusal.ts';

export type ApprovalSubject = 'GATE_DECISION' | 'MODEL_PROMOTION';

export interface ApprovalRequest {
  organizationId: string;
  subject: ApprovalSubject;
  subjectId: string;
  requestedById: string;
  comment: string | null;
  /** What the approver sees and the audit trail keeps with the request. */
  evidence: Record<string, JsonValue>;
}

export async function requestApproval(db: RawSql, request: ApprovalRequest, actor: AuditActor): Promise<Approval> {
  const approval = await written<Approval>(
    db,
    "INSERT INTO approvals (organization_id, subject_type, subject_id, status, requested_by_id, comment) VALUES ($1::uuid, $2::approval_subject, $3::uuid, 'PENDING', $4::uuid, $5) RETURNING *",
    request.organizationId,
    request.subject,
    request.subjectId,
    request.requestedById,
    request.comment,
  );
  await appendAuditEvent(db, {
    organizationId: request.organizationId,
    type: 'approval.created',
    actor,
    subjectType: 'approval',
    subjectId: approval!.id,
    payload: { subject: request.subject, ...request.evidence },
  });
  return approval!;
}

export interface PendingApproval {
  id: string;
  subjectId: string;
  requestedById: string;
  comment: string | null;
}

/** Locks a pending approval of the subject for a decision by `deciderId`; refuses one already decided and the requester. */
export async function lockPendingApproval(
  db: RawSql,
  organizationId: string,
  approvalId: string,
  subject: ApprovalSubject,
  deciderId: string | null,
): Promise<PendingApproval> {
  const approval = await row<PendingApproval & { status: string }>(
    db,
    `SELECT id, subject_id AS "subjectId", status::text AS status, requested_by_id AS "requestedById", comment
       FROM approvals WHERE organization_id = $1::uuid AND id = $2::uuid AND subject_type = $3::approval_subject FOR UPDATE`,
    organizationId,
    approvalId,
    subject,
  );
  const what = subject === 'GATE_DECISION' ? 'gate decision' : 'promotion';
  if (!approval) throw new Refusal(`Approval ${approvalId} is not a ${what} request in your organisation.`, 'approvalId', 'NOT_FOUND');
  if (approval.status !== 'PENDING') throw new Refusal(`The request was already ${approval.status.toLowerCase()}.`, 'approvalId', 'CONFLICT');
  if (approval.requestedById === deciderId) throw new Refusal(`A ${what} is decided by someone other than who requested it.`, 'approvalId', 'FORBIDDEN');
  return approval;
}

export interface ApprovalDecision {
  organizationId: string;
  approve: boolean;
  deciderId: string | null;
  comment: string | null;
  /** Kept with the decision in the audit trail. */
  evidence: Record<string, JsonValue>;
}

/** Records the decision on a locked pending approval (exactly one row, or CONFLICT) with its audit event; returns the decided approval. */
export async function decideApproval(db: RawSql, approval: PendingApproval, decision: ApprovalDecision, actor: AuditActor): Promise<Approval> {
  const status = decision.approve ? 'APPROVED' : 'REJECTED';
  const changed = await rows<Record<string, unknown>>(
    db,
    `UPDATE approvals SET status = $3::approval_status, approver_id = $4::uuid, decided_at = now(), comment = coalesce($5, comment)
      WHERE organization_id = $1::uuid AND id = $2::uuid AND status = 'PENDING' RETURNING *`,
    decision.organizationId,
    approval.id,
    status,
    decision.deciderId,
    decision.comment,
  );
  if (changed.length !== 1) throw new Refusal('The request was decided meanwhile.', 'approvalId', 'CONFLICT');
  await appendAuditEvent(db, {
    organizationId: decision.organizationId,
    type: 'approval.updated',
    actor,
    subjectType: 'approval',
    subjectId: approval.id,
    payload: { status, comment: decision.comment, ...decision.evidence },
  });
  return camelCased<Approval>(changed[0]!);
}
