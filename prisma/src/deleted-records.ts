// Deleting what was created by mistake, and restoring it. A row is deleted only when nothing
// refers to it (every foreign key that points at its table is checked, telemetry and rollups
// included, whatever their ON DELETE says); it then leaves its table for `deleted_records`, as it
// was, so every read stops seeing it, its unique code may be used again, and `restoreRecord`
// brings it back as long as nothing has taken its place.
import { Refusal } from './refusal.ts';
import { row, rows, type RawSql } from './sql.ts';
import { appendAuditEvent, type AuditActor } from './audit/audit-log.ts';
import type { DeletableSubject } from './audit/catalogue.ts';
import type { JsonValue } from './audit/audit-hash.ts';
import type { Clock } from './clock.ts';
import { calculatedReaders } from './telemetry/calculations.ts';

/** The tables whose rows may be deleted, by the entity name the API gives them, with their audit subject. */
export const DELETABLE: Record<string, { table: string; subject: DeletableSubject }> = {
  Site: { table: 'sites', subject: 'site' },
  Line: { table: 'lines', subject: 'line' },
  AssetType: { table: 'asset_types', subject: 'asset_type' },
  AssetTypeProperty: { table: 'asset_type_properties', subject: 'asset_type_property' },
  Asset: { table: 'assets', subject: 'asset' },
  Signal: { table: 'signals', subject: 'signal' },
  UseCase: { table: 'use_cases', subject: 'use_case' },
  Kpi: { table: 'kpis', subject: 'kpi' },
  CostItem: { table: 'cost_items', subject: 'cost_item' },
  Squad: { table: 'squads', subject: 'squad' },
  Okr: { table: 'okrs', subject: 'okr' },
  KeyResult: { table: 'key_results', subject: 'key_result' },
  Model: { table: 'models', subject: 'model' },
  EdgeTarget: { table: 'edge_targets', subject: 'edge_target' },
  NotificationChannel: { table: 'notification_channels', subject: 'notification_channel' },
  NotificationRule: { table: 'notification_rules', subject: 'notification_rule' },
};

interface ForeignKey {
  referencing: string;
  columns: string[];
  referenced: string[];
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The foreign keys that point at `table`: on partitioned tables, the parent's only. */
function foreignKeysTo(db: RawSql, table: string): Promise<ForeignKey[]> {
  return rows<ForeignKey>(
    db,
    `SELECT c.conrelid::regclass::text AS referencing,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
            array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS referenced
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.confrelid = $1::regclass AND c.conparentid = 0
      ORDER BY 1`,
    table,
  );
}

/** What still refers to the row: each referencing table with how many of its rows do (counted up to 1,000). */
export async function referencesTo(db: RawSql, table: string, organizationId: string, id: string): Promise<{ table: string; rows: number }[]> {
  const found: { table: string; rows: number }[] = [];
  for (const key of await foreignKeysTo(db, table)) {
    const values = key.referenced.map((column) => (column === 'organization_id' ? organizationId : id));
    const where = key.columns.map((column, i) => `${quoted(column)} = $${i + 1}`).join(' AND ');
    const counted = await row<{ n: number }>(db, `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${key.referencing} WHERE ${where} LIMIT 1000) x`, ...values);
    if (counted!.n > 0) found.push({ table: key.referencing.replaceAll('"', ''), rows: counted!.n });
  }
  return found;
}

export interface DeletedRecord {
  id: string;
  tableName: string;
  recordId: string;
  record: Record<string, unknown>;
  deletedAt: Date;
  deletedBy: string;
  restoredAt: Date | null;
}

const DELETED_COLUMNS = `id, table_name AS "tableName", record_id AS "recordId", record, deleted_at AS "deletedAt", deleted_by AS "deletedBy", restored_at AS "restoredAt"`;

/**
 * Deletes one row of the organisation, keeping it in deleted_records, audited as <subject>.deleted
 * with the row as it was. Refusal NOT_FOUND when the organisation has no such row, CONFLICT naming
 * what refers to it while anything does.
 */
export async function deleteRecord(
  db: RawSql,
  entity: string,
  target: { organizationId: string; id: string; actor: AuditActor },
  clock: Clock,
): Promise<DeletedRecord> {
  const deletable = DELETABLE[entity];
  if (!deletable) throw new Error(`${entity} is not deletable (prisma/src/deleted-records.ts).`);
  const { table, subject } = deletable;
  const found = await row<{ record: Record<string, unknown> }>(
    db,
    `SELECT to_jsonb(t) AS record FROM ${table} t WHERE t.organization_id = $1::uuid AND t.id = $2::uuid FOR UPDATE`,
    target.organizationId,
    target.id,
  );
  if (!found) throw new Refusal(`${entity} ${target.id} does not exist in your organisation.`, 'id', 'NOT_FOUND');
  // Calculated signals read their inputs by name, not by a foreign key.
  const readers = entity === 'Signal' ? await calculatedReaders(db, target.organizationId, target.id) : [];
  if (readers.length > 0) {
    throw new Refusal(`Signal ${target.id} is read by the calculated signals ${readers.join(', ')}; change their expressions first.`, 'id', 'CONFLICT');
  }
  const references = await referencesTo(db, table, target.organizationId, target.id);
  if (references.length > 0) {
    const named = references.map((r) => `${r.rows >= 1000 ? '1,000 or more' : r.rows} ${r.table}`).join(', ');
    throw new Refusal(`${entity} ${target.id} is still referred to by ${named}; delete or move those first.`, 'id', 'CONFLICT');
  }
  await db.$executeRawUnsafe(`DELETE FROM ${table} WHERE organization_id = $1::uuid AND id = $2::uuid`, target.organizationId, target.id);
  const deleted = (await row<DeletedRecord>(
    db,
    `INSERT INTO deleted_records (organization_id, table_name, record_id, record, deleted_at, deleted_by)
     VALUES ($1::uuid, $2, $3::uuid, $4::jsonb, $5, $6) RETURNING ${DELETED_COLUMNS}`,
    target.organizationId,
    table,
    target.id,
    JSON.stringify(found.record),
    clock.now(),
    target.actor.label,
  ))!;
  await appendAuditEvent(
    db,
    {
      organizationId: target.organizationId,
      type: `${subject}.deleted`,
      actor: target.actor,
      subjectType: subject,
      subjectId: target.id,
      payload: { before: found.record as Record<string, JsonValue>, deletedRecordId: deleted.id },
    },
    clock,
  );
  return deleted;
}

/**
 * Puts a deleted row back as it was. Refusal NOT_FOUND for an unknown or already restored record,
 * CONFLICT when its id or unique code was taken meanwhile or what it referred to is gone.
 */
export async function restoreRecord(db: RawSql, organizationId: string, deletedId: string, actor: AuditActor, clock: Clock): Promise<DeletedRecord> {
  const deleted = await row<DeletedRecord>(
    db,
    `SELECT ${DELETED_COLUMNS} FROM deleted_records WHERE organization_id = $1::uuid AND id = $2::uuid AND restored_at IS NULL FOR UPDATE`,
    organizationId,
    deletedId,
  );
  if (!deleted) throw new Refusal(`No deleted record ${deletedId} waits to be restored in your organisation.`, 'id', 'NOT_FOUND');
  const subject = Object.values(DELETABLE).find((d) => d.table === deleted.tableName)!.subject;
  try {
    await db.$executeRawUnsafe(
      `INSERT INTO ${deleted.tableName} SELECT * FROM jsonb_populate_record(NULL::${deleted.tableName}, $1::jsonb)`,
      JSON.stringify(deleted.record),
    );
  } catch (error) {
    if (!isConstraintViolation(error)) throw error;
    throw new Refusal(
      `The ${subject.replaceAll('_', ' ')} cannot be restored: its id or a unique code is taken again, or what it referred to is gone.`,
      'id',
      'CONFLICT',
    );
  }
  const restored = (await row<DeletedRecord>(
    db,
    `UPDATE deleted_records SET restored_at = $3 WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING ${DELETED_COLUMNS}`,
    organizationId,
    deletedId,
    clock.now(),
  ))!;
  await appendAuditEvent(
    db,
    { organizationId, type: `${subject}.restored`, actor, subjectType: subject, subjectId: deleted.recordId, payload: { deletedRecordId: deletedId } },
    clock,
  );
  return restored;
}

/** A unique or foreign-key violation, as node-postgres or Prisma's driver adapter reports it. */
function isConstraintViolation(error: unknown): boolean {
  const seen = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})) ?? '';
  return /"(23505|23503|P2002|P2003)"/.test(seen) || /unique constraint|foreign key constraint/i.test(String((error as Error)?.message));
}
