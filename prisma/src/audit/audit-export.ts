// The audit trail as auditors download it (GET /export/audit.csv|json): the organisation's events
// in chain order (by seq, numerically), filtered by time, type and subject type, at most
// MAX_EXPORTED_EVENTS, with every field the chain hash covers, so an export can be verified
// without the database (audit-export-verification.ts, `npm run audit:verify`).
import { rows, type RawSql } from '../sql.ts';

export const MAX_EXPORTED_EVENTS = 100_000;

/** The exported columns: every hashed field (audit-hash.ts), then the event's own hash. */
export const EXPORTED_COLUMNS = [
  'seq',
  'occurred_at',
  'organization_id',
  'type',
  'actor_kind',
  'actor_id',
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
    `SELECT e.seq::text AS seq, e.occurred_at, e.organization_id::text AS organization_id, e.type, e.actor_kind::text AS actor_kind, e.actor_id,
            e.actor_label, e.subject_type, e.subject_id, e.payload, e.prev_hash, e.hash
       FROM audit_events e
      WHERE e.organization_id = $1 AND ($2::timestamptz IS NULL OR e.occurred_at >= $2) AND ($3::timestamptz IS NULL OR e.occurred_at < $3)
        AND ($4::text IS NULL OR e.type = $4) AND ($5::text IS NULL OR e.subject_type = $5)
      ORDER BY e.seq LIMIT ${MAX_EXPORTED_EVENTS}`,
    organizationId,
    filter.from,
    filter.to,
    filter.type,
    filter.subjectType,
  );
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A value a
 * spreadsheet would run as a formula (or one that starts with an apostrophe) gets a leading
 * apostrophe, which readers of the export drop again (`csvValue`).
 */
export function csvField(value: unknown): string {
  let s =
    value === null || value === undefined
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  if (/^[=+\-@\t\r']/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The exported trail as CSV: a header of the columns, one record per event, CRLF line ends. */
export function auditCsv(events: readonly ExportedEvent[]): string {
  return `${[EXPORTED_COLUMNS.join(','), ...events.map((e) => EXPORTED_COLUMNS.map((c) => csvField(e[c])).join(','))].join('\r\n')}\r\n`;
}
