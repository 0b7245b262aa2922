// The audit types that may make a notification (notifications/audit-events.ts decides from the row
// whether one does): appendAuditEvent records a fan-out job for each, in the same transaction.
import type { AuditEventType } from '../audit/catalogue.ts';

export const NOTIFYING_AUDIT_TYPES: ReadonlySet<AuditEventType> = new Set<AuditEventType>([
  'insight.created',
  'drift_report.created',
  'training_run.updated',
  'approval.created',
  'approval.updated',
]);
