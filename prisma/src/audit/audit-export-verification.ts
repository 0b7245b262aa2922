// Verifies a downloaded audit trail without the database: reads the CSV or JSON export
// (audit-export.ts), recomputes every event's hash from the fields it covers (audit-hash.ts) and
// checks that each event links to the one before. `npm run audit:verify -- <file>` runs it.
import { chainHash, GENESIS_HASH, type ActorKindName, type AuditEventContent, type JsonValue } from './audit-hash.ts';
import { EXPORTED_COLUMNS } from './audit-export.ts';
import { csvRecords, csvValue } from '../csv.ts';

export interface ExportedRecord {
  content: AuditEventContent;
  seq: number;
  prevHash: string;
  hash: string;
}

export type ExportBreak = 'HASH_MISMATCH' | 'LINK_MISMATCH' | 'SEQUENCE_GAP' | 'MALFORMED';

export interface ExportVerification {
  ok: boolean;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstBroken: { seq: number | null; reason: ExportBreak; detail: string } | null;
}

/** Records of a CSV (RFC 4180, a header first) or JSON export, in file order. */
export function parseAuditExport(text: string): ExportedRecord[] {
  const raw = text.trimStart().startsWith('[') ? (JSON.parse(text) as Record<string, unknown>[]) : csvObjects(text);
  return raw.map(recordOf);
}

function recordOf(raw: Record<string, unknown>, index: number): ExportedRecord {
  const missing = EXPORTED_COLUMNS.filter((c) => !(c in raw));
  if (missing.length > 0) throw new Error(`record ${index + 1} has no ${missing.join(', ')}; export the trail again from this version of Threadline`);
  const text = (column: string) => String(raw[column]);
  const nullable = (column: string) => (raw[column] === null || raw[column] === '' ? null : String(raw[column]));
  const content: AuditEventContent = {
    organizationId: text('organization_id'),
    seq: Number(raw.seq),
    type: text('type'),
    actorKind: text('actor_kind') as ActorKindName,
    actorId: nullable('actor_id'),
    actorLabel: text('actor_label'),
    subjectType: text('subject_type'),
    subjectId: nullable('subject_id'),
    payload: (typeof raw.payload === 'string' ? JSON.parse(raw.payload) : raw.payload) as JsonValue,
    occurredAt: new Date(text('occurred_at')),
    prevHash: text('prev_hash'),
  };
  return { content, seq: content.seq, prevHash: content.prevHash, hash: text('hash') };
}

/** Checks the records in order: each hash recomputed, each link to the previous record, no gaps; a chain that starts at 1 starts at the genesis hash. */
export function verifyAuditExport(records: readonly ExportedRecord[]): ExportVerification {
  const result = (firstBroken: ExportVerification['firstBroken']): ExportVerification => ({
    ok: firstBroken === null,
    events: records.length,
    firstSeq: records[0]?.seq ?? null,
    lastSeq: records.at(-1)?.seq ?? null,
    firstBroken,
  });
  for (const [i, record] of records.entries()) {
    const previous = records[i - 1];
    if (!Number.isInteger(record.seq) || Number.isNaN(record.content.occurredAt.getTime())) {
      return result({ seq: null, reason: 'MALFORMED', detail: `record ${i + 1} has no valid seq or occurred_at` });
    }
    if (previous && record.seq !== previous.seq + 1) {
      return result({
        seq: record.seq,
        reason: 'SEQUENCE_GAP',
        detail: `event ${record.seq} follows ${previous.seq}: the export is filtered or events are missing`,
      });
    }
    const expectedPrev = previous ? previous.hash : record.seq === 1 ? GENESIS_HASH : record.prevHash;
    if (record.prevHash !== expectedPrev) {
      return result({ seq: record.seq, reason: 'LINK_MISMATCH', detail: `event ${record.seq} does not point at the hash of the event before it` });
    }
    if (chainHash(record.prevHash, record.content) !== record.hash) {
      return result({ seq: record.seq, reason: 'HASH_MISMATCH', detail: `event ${record.seq} is not what was hashed when it was written` });
    }
  }
  return result(null);
}

/** RFC 4180 records as objects keyed by the header; a value's defusing apostrophe (csvField) is dropped. */
function csvObjects(text: string): Record<string, unknown>[] {
  const [header, ...records] = csvRecords(text);
  if (!header) return [];
  return records.map((values) => Object.fromEntries(header.map((column, i) => [column, csvValue(values[i] ?? '')])));
}
