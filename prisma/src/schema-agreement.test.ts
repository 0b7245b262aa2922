// schema.prisma and the migrated database must describe the same tables, columns, types,
// nullability, enums, unique constraints, indexes and foreign keys: the hand-written migrations
// are checked against the schema the client is generated from.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { createTestDatabase } from '../../scripts/test/database.ts';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; dbName: string | null; values: { name: string }[] }[]; indexes: DmmfIndex[] };
}

const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: readFileSync(new URL('../schema.prisma', import.meta.url), 'utf8') }))) as Dmmf;
const models = dmmf.datamodel.models;
const tableOf = (model: string) => {
  const m = models.find((x) => x.name === model)!;
  return m.dbName ?? m.name;
};
const columnOf = (model: string, field: string) => {
  const f = models.find((x) => x.name === model)!.fields.find((x) => x.name === field)!;
  return f.dbName ?? f.name;
};
const enumDb = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));

function udtOf(field: DmmfField): string {
  const native = field.nativeType?.[0];
  const base =
    field.kind === 'enum'
      ? enumDb.get(field.type)!
      : (
          {
            String: native === 'Uuid' ? 'uuid' : 'text',
            Int: native === 'SmallInt' ? 'int2' : 'int4',
            Float: 'float8',
            Boolean: 'bool',
            DateTime: ({ Timestamptz: 'timestamptz', Date: 'date', Time: 'time' } as Record<string, string>)[native ?? ''] ?? 'timestamp',
            Json: 'jsonb',
            Bytes: 'bytea',
            BigInt: 'int8',
          } as Record<string, string>
        )[field.type]!;
  return field.isList ? `_${base}` : base;
}

/** Partial unique indexes kept in SQL only (docs/architecture.md). */
const PARTIAL_INDEXES = ['edge_rollouts_running_per_model', 'experiments_running_per_champion_deployment', 'insights_open_per_source_key'];

const TABLES_OUTSIDE_PRISMA = /^(_prisma_migrations|telemetry.*)$/;

describe('schema.prisma and the migrated database', () => {
  let client: pg.Client;
  beforeAll(async () => {
    const db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => client?.end());

  it('have the same tables and columns, with the same types and nullability', async () => {
    const { rows } = await client.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const actual = rows
      .filter((r) => !TABLES_OUTSIDE_PRISMA.test(r.table_name))
      .map((r) => `${r.table_name}.${r.column_name} ${r.udt_name}${r.is_nullable === 'NO' ? ' not null' : ''}`)
      .sort();
    const expected = models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
          .map((f) => `${m.dbName ?? m.name}.${f.dbName ?? f.name} ${udtOf(f)}${f.isRequired || f.isList ? ' not null' : ''}`),
      )
      .sort();
    expect(actual).toEqual(expected);
    expect(new Set(actual.map((c) => c.split('.')[0])).size).toBe(models.length);
  });

  it('have the same enums and values', async () => {
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      'SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname',
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  it('have the same primary keys, unique constraints and indexes', async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; is_unique: boolean }>(`
      SELECT c.relname AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS columns, i.indisunique AS is_unique
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE c.relkind = 'r' AND i.indpred IS NULL
       GROUP BY i.indexrelid, c.relname, i.indisunique`);
    const actual = rows
      .filter((r) => !TABLES_OUTSIDE_PRISMA.test(r.table))
      .map((r) => `${r.table}(${r.columns.join(',')})${r.is_unique ? ' unique' : ''}`)
      .sort();
    const expected = dmmf.datamodel.indexes
      .map((i) => `${tableOf(i.model)}(${i.fields.map((f) => columnOf(i.model, f.name)).join(',')})${i.type === 'normal' ? '' : ' unique'}`)
      .sort();
    expect(actual).toEqual(expected);
  });

  it('add only the documented partial indexes, which Prisma cannot express', async () => {
    const { rows } = await client.query<{ name: string }>(`
      SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE i.indpred IS NOT NULL ORDER BY 1`);
    expect(rows.map((r) => r.name)).toEqual(PARTIAL_INDEXES);
  });

  it('have the same foreign keys and delete rules', async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; target: string; target_columns: string[]; on_delete: string }>(`
      SELECT c.relname AS table, t.relname AS target, con.confdeltype AS on_delete,
             (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(con.conkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
             (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(con.confkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS target_columns
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class t ON t.oid = con.confrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE con.contype = 'f'`);
    const rule: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };
    const actual = rows
      .filter((r) => !TABLES_OUTSIDE_PRISMA.test(r.table))
      .map((r) => `${r.table}(${r.columns.join(',')}) -> ${r.target}(${r.target_columns.join(',')}) on delete ${rule[r.on_delete]}`)
      .sort();
    const expected = models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === 'object' && f.relationFromFields?.length)
          .map(
            (f) =>
              `${tableOf(m.name)}(${f.relationFromFields!.map((x) => columnOf(m.name, x)).join(',')}) -> ${tableOf(f.type)}(${f.relationToFields!.map((x) => columnOf(f.type, x)).join(',')}) on delete ${f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull')}`,
          ),
      )
      .sort();
    expect(actual).toEqual(expected);
  });

  it('keeps telemetry outside Prisma, partitioned by time', async () => {
    const { rows } = await client.query<{ partitions: string }>("SELECT count(*)::text AS partitions FROM pg_inherits WHERE inhparent = 'telemetry'::regclass");
    expect(Number(rows[0]!.partitions)).toBeGreaterThan(30);
  });
});
