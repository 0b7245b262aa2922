// What the Parquet export offers, one organisation at a time: raw telemetry, its 1-minute, 1-hour
// and 1-day rollups (the statistics of good points, as the API's series report them), predictions
// and insights, over [from, to) and a scope (site, line, asset codes; a signal name for telemetry
// and rollups). Each is read a page at a time in a stable order (keyset on time and id), so an
// export of any size holds one page in memory.
import { rows, type RawSql } from '../sql.ts';
import type { RollupWidth } from '../telemetry/rollups.ts';
import type { ParquetColumn } from './parquet-stream.ts';

export const PARQUET_DATASETS = ['telemetry', 'rollups', 'predictions', 'insights'] as const;
export type ParquetDataset = (typeof PARQUET_DATASETS)[number];

export interface ExportScope {
  site: string | null;
  line: string | null;
  asset: string | null;
  signal: string | null;
}

export interface ExportRequest {
  organizationId: string;
  dataset: ParquetDataset;
  from: Date;
  to: Date;
  scope: ExportScope;
  /** The rollups' width. */
  resolution: RollupWidth;
}

type Row = Record<string, unknown> & { k_time: Date; k_id: string };

const PAGE_ROWS = 50_000;
const QUALITY = ['GOOD', 'OUT_OF_RANGE', 'UNCERTAIN', 'BAD'];

const PLACE = `JOIN assets a ON a.id = x.asset_id JOIN lines l ON l.id = a.line_id JOIN sites si ON si.id = l.site_id`;
const IN_SCOPE = `($4::text IS NULL OR si.code = $4) AND ($5::text IS NULL OR l.code = $5) AND ($6::text IS NULL OR a.code = $6)`;
const AFTER = `($8::timestamptz IS NULL OR (k_time, k_id) > ($8::timestamptz, $9::text))`;

const text = (name: string, key = name): ParquetColumn<Row> => ({ name, type: 'STRING', value: (r) => r[key] ?? null });
const double = (name: string, key = name): ParquetColumn<Row> => ({
  name,
  type: 'DOUBLE',
  value: (r) => (r[key] === null || r[key] === undefined ? null : Number(r[key])),
});
const timestamp = (name: string, key = name): ParquetColumn<Row> => ({ name, type: 'TIMESTAMP', value: (r) => r[key] ?? null });
const PLACE_COLUMNS = [text('site'), text('line'), text('asset')];

interface DatasetSpec {
  columns: ParquetColumn<Row>[];
  /** Selects k_time and k_id (the keyset) with the columns, for $1 organisation, $2 from, $3 to, $4-$7 scope, $8-$9 after, $10 page size. */
  sql: (request: ExportRequest) => string;
}

const SIGNAL_SOURCE = `(SELECT s.id AS signal_id, s.asset_id, s.name, s.unit FROM signals s WHERE s.organization_id = $1 AND ($7::text IS NULL OR s.name = $7)) x`;

export const DATASETS: Record<ParquetDataset, DatasetSpec> = {
  telemetry: {
    columns: [
      timestamp('time'),
      ...PLACE_COLUMNS,
      text('signal'),
      text('unit'),
      double('value'),
      { name: 'quality', type: 'STRING', value: (r) => QUALITY[Number(r.quality)] ?? String(r.quality) },
      timestamp('received_at'),
    ],
    sql: () => `
      SELECT * FROM (
        SELECT t.time AS k_time, t.signal_id::text AS k_id, t.time, si.code AS site, l.code AS line, a.code AS asset, x.name AS signal, x.unit,
               t.value, t.quality, t.received_at
          FROM ${SIGNAL_SOURCE} ${PLACE} JOIN telemetry t ON t.signal_id = x.signal_id
         WHERE t.time >= $2 AND t.time < $3 AND ${IN_SCOPE}) page
       WHERE ${AFTER} ORDER BY k_time, k_id LIMIT $10`,
  },
  rollups: {
    columns: [
      timestamp('bucket'),
      ...PLACE_COLUMNS,
      text('signal'),
      text('unit'),
      { name: 'points', type: 'INT32', value: (r) => Number(r.points) },
      double('average'),
      double('min'),
      double('max'),
      double('first'),
      double('last'),
      double('percent_good'),
    ],
    sql: ({ resolution }) => `
      SELECT * FROM (
        SELECT r.bucket AS k_time, r.signal_id::text AS k_id, r.bucket, si.code AS site, l.code AS line, a.code AS asset, x.name AS signal, x.unit,
               r.count AS points, CASE WHEN r.good_value_count > 0 THEN r.good_sum / r.good_value_count END AS average,
               r.good_min AS min, r.good_max AS max, r.first_value AS first, r.last_value AS last,
               CASE WHEN r.count > 0 THEN 100.0 * r.good_count / r.count ELSE 0 END AS percent_good
          FROM ${SIGNAL_SOURCE} ${PLACE} JOIN telemetry_${resolution} r ON r.signal_id = x.signal_id
         WHERE r.bucket >= $2 AND r.bucket < $3 AND ${IN_SCOPE}) page
       WHERE ${AFTER} ORDER BY k_time, k_id LIMIT $10`,
  },
  predictions: {
    columns: [
      timestamp('time'),
      ...PLACE_COLUMNS,
      text('model'),
      { name: 'version', type: 'INT32', value: (r) => Number(r.version) },
      double('score'),
      text('label'),
      text('deployment_id'),
    ],
    sql: () => `
      SELECT * FROM (
        SELECT x.ts AS k_time, x.id::text AS k_id, x.ts AS time, si.code AS site, l.code AS line, a.code AS asset, m.name AS model, v.version,
               x.score, x.label, x.deployment_id::text AS deployment_id
          FROM predictions x ${PLACE} JOIN model_versions v ON v.id = x.model_version_id JOIN models m ON m.id = v.model_id
         WHERE x.organization_id = $1 AND x.ts >= $2 AND x.ts < $3 AND ${IN_SCOPE} AND $7::text IS NULL) page
       WHERE ${AFTER} ORDER BY k_time, k_id LIMIT $10`,
  },
  insights: {
    columns: [
      timestamp('raised_at'),
      ...PLACE_COLUMNS,
      text('id'),
      text('kind'),
      text('severity'),
      text('title'),
      text('use_case'),
      { name: 'from_fallback', type: 'BOOLEAN', value: (r) => Boolean(r.from_fallback) },
      timestamp('acknowledged_at'),
      timestamp('resolved_at'),
      text('verdict'),
    ],
    sql: () => `
      SELECT * FROM (
        SELECT x.raised_at AS k_time, x.id::text AS k_id, x.raised_at, si.code AS site, l.code AS line, a.code AS asset, x.id::text AS id,
               x.kind::text AS kind, x.severity::text AS severity, x.title, u.name AS use_case, x.from_fallback, x.acknowledged_at, x.resolved_at,
               x.verdict::text AS verdict
          FROM insights x ${PLACE} LEFT JOIN use_cases u ON u.id = x.use_case_id
         WHERE x.organization_id = $1 AND x.raised_at >= $2 AND x.raised_at < $3 AND ${IN_SCOPE} AND $7::text IS NULL) page
       WHERE ${AFTER} ORDER BY k_time, k_id LIMIT $10`,
  },
};

/** The request's rows, a page at a time, oldest first. */
export async function* exportPages(db: RawSql, request: ExportRequest, pageRows = PAGE_ROWS): AsyncGenerator<Row[]> {
  const sql = DATASETS[request.dataset].sql(request);
  const { site, line, asset, signal } = request.scope;
  let after: Row | null = null;
  for (;;) {
    const page: Row[] = await rows<Row>(
      db,
      sql,
      request.organizationId,
      request.from,
      request.to,
      site,
      line,
      asset,
      signal,
      after?.k_time ?? null,
      after?.k_id ?? null,
      pageRows,
    );
    if (page.length === 0) return;
    yield page;
    if (page.length < pageRows) return;
    after = page.at(-1)!;
  }
}
