// The audit trail as auditors download it (GET /export/audit.csv|json): the organisation's events
// in chain order, filtered by time, type and subject type, at most MAX_EXPORTED_EVENTS.
import { rows, type RawSql } from '../sql.ts';

export const MAX_EXPORTED_EVENTS = 100_000;

export const EXPORTED_COLUMNS = [
  'seq',
  'occurred_at',
  'type',
  'actor_kind',
  'actor_label',
  'subject_type',
  'subject_id',
  'payload',
  'prev_hash',
  'hash',
] as const;

export type ExportedEvent = Record<(typeof EXPORTED_COLUMNS)[number], unknown>;

export interface AuditExportFilter {
  from: Date | null;
  to: Date | null;
  type: string | null;
  subjectType: string | null;
}

export function exportAuditEvents(db: RawSql, organizationId: string, filter: AuditExportFilter): Promise<ExportedEvent[]> {
  return rows<ExportedEvent>(
    db,
    `SELECT seq::text, occurred_at, type, actor_kind::text, actor_label, subject_type, subject_id, payload, prev_hash, hash FROM audit_events
      WHERE organization_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2) AND ($3::timestamptz IS NULL OR occurred_at < $3)
        AND ($4::text IS NULL OR type = $4) AND ($5::text IS NULL OR subject_type = $5)
      ORDER BY seq LIMIT ${MAX_EXPORTED_EVENTS}`,
    organizationId,
    filter.from,
    filter.to,
    filter.type,
    filter.subjectType,
  );
}
