// Labelled tables imported for training and backtests (issue 18, item 4): the CSV is read as
// `npm run ml` reads it (labelled-table.ts: typed columns, every problem by line and column, nothing
// kept from a bad table), stored as uploaded with its columns' roles, its size and its sha256, and
// audited. A training run over a dataset trains from it as `npm run ml -- train` does.
import { createHash } from 'node:crypto';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { row, written, type RawSql } from '../sql.ts';
import { Refusal } from '../refusal.ts';
import { readLabelledTable, type TableOptions } from './labelled-table.ts';

export interface DatasetImport {
  organizationId: string;
  name: string;
  csv: string;
  label: string;
  drop: string[];
  time: string | null;
}

export type ColumnRole = 'NUMERIC' | 'CATEGORICAL' | 'LABEL' | 'TIME' | 'DROPPED';

export interface DatasetColumn {
  name: string;
  role: ColumnRole;
  /** The categories seen, for a categorical column. */
  categories?: string[];
}

export interface ImportedDataset {
  id: string;
  rowCount: number;
  positives: number;
}

/** Reads, checks and stores a labelled table; refuses a bad one (TableRefused) and a taken name. */
export async function importDataset(db: RawSql, input: DatasetImport, actor: AuditActor): Promise<ImportedDataset> {
  const options: TableOptions = { label: input.label, drop: input.drop, ...(input.time ? { time: input.time } : {}) };
  const table = readLabelledTable(input.csv, options);
  const categories = new Map(table.encoding.categorical.map((c) => [c.name, c.categories]));
  const columns: DatasetColumn[] = table.header.map((name) => {
    if (name === input.label) return { name, role: 'LABEL' };
    if (name === input.time) return { name, role: 'TIME' };
    if (input.drop.includes(name)) return { name, role: 'DROPPED' };
    return categories.has(name) ? { name, role: 'CATEGORICAL', categories: categories.get(name)! } : { name, role: 'NUMERIC' };
  });
  const positives = table.labels.filter((l) => l === 1).length;
  const span = input.time ? [Math.min(...table.order), Math.max(...table.order)].map((t) => new Date(t)) : [null, null];
  const sha256 = createHash('sha256').update(input.csv).digest('hex');
  const taken = await row(db, 'SELECT 1 FROM datasets WHERE organization_id = $1::uuid AND name = $2', input.organizationId, input.name);
  if (taken) throw new Refusal(`A dataset named ${input.name} exists; choose another name.`, 'name', 'CONFLICT');
  const created = await written<{ id: string }>(
    db,
    `INSERT INTO datasets (organization_id, name, label_column, time_column, drop_columns, columns, row_count, positives, starts_at, ends_at, sha256, created_by_id)
     VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12::uuid) RETURNING id`,
    input.organizationId,
    input.name,
    input.label,
    input.time,
    input.drop,
    JSON.stringify(columns),
    table.labels.length,
    positives,
    span[0],
    span[1],
    sha256,
    actor.kind === 'USER' ? actor.id : null,
  );
  await db.$executeRawUnsafe(
    'INSERT INTO dataset_contents (dataset_id, organization_id, content) VALUES ($1::uuid, $2::uuid, $3)',
    created!.id,
    input.organizationId,
    input.csv,
  );
  await appendAuditEvent(db, {
    organizationId: input.organizationId,
    type: 'dataset.created',
    actor,
    subjectType: 'dataset',
    subjectId: created!.id,
    payload: { name: input.name, rows: table.labels.length, positives, sha256 },
  });
  return { id: created!.id, rowCount: table.labels.length, positives };
}

export interface StoredDataset {
  id: string;
  name: string;
  content: string;
  options: TableOptions;
}

/** A dataset's data window (its time span, or its import time without a time column), without reading its CSV; undefined when the organisation has none of that id. */
export async function datasetWindow(db: RawSql, organizationId: string, id: string): Promise<{ id: string; from: Date; to: Date } | undefined> {
  return row<{ id: string; from: Date; to: Date }>(
    db,
    `SELECT id, coalesce(starts_at, created_at) AS "from", coalesce(ends_at, created_at) AS "to" FROM datasets WHERE organization_id = $1::uuid AND id = $2::uuid`,
    organizationId,
    id,
  );
}

/** A dataset as training and backtests read it, or undefined when the organisation has none of that id. */
export async function storedDataset(db: RawSql, organizationId: string, id: string): Promise<StoredDataset | undefined> {
  const found = await row<{
    id: string;
    name: string;
    content: string;
    label: string;
    time: string | null;
    drop: string[];
  }>(
    db,
    `SELECT d.id, d.name, c.content, d.label_column AS label, d.time_column AS "time", d.drop_columns AS "drop"
       FROM datasets d JOIN dataset_contents c ON c.organization_id = d.organization_id AND c.dataset_id = d.id
      WHERE d.organization_id = $1::uuid AND d.id = $2::uuid`,
    organizationId,
    id,
  );
  if (!found) return undefined;
  return {
    id: found.id,
    name: found.name,
    content: found.content,
    options: { label: found.label, drop: found.drop, ...(found.time ? { time: found.time } : {}) },
  };
}
