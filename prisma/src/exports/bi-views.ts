// The `bi` schema: read-only views for Grafana's PostgreSQL data source and BI tools, each showing
// only the rows of the organisation the connecting reader role reads for (bi.organization_id(),
// from bi_readers; migration 20261208000300). They are security barriers, so a reader's own
// functions in a WHERE clause never see another organisation's rows, and readers have no right on
// any table. Made with the telemetry storage (the telemetry and rollup tables must exist), as the
// owner, and replaced on every migrate. docs/data-out.md documents every column.
import type pg from 'pg';
import { inTransaction } from '../sql.ts';

const ORG = 'bi.organization_id()';
const QUALITY = `CASE t.quality WHEN 0 THEN 'GOOD' WHEN 1 THEN 'OUT_OF_RANGE' WHEN 2 THEN 'UNCERTAIN' WHEN 3 THEN 'BAD' ELSE t.quality::text END`;
const PLACE = `JOIN public.assets a ON a.id = s.asset_id JOIN public.lines l ON l.id = a.line_id JOIN public.sites si ON si.id = l.site_id`;

const rollupView = (width: string) => `
  SELECT r.bucket, si.code AS site, l.code AS line, a.code AS asset, s.name AS signal, s.unit, r.count AS points,
         CASE WHEN r.good_value_count > 0 THEN r.good_sum / r.good_value_count END AS average, r.good_min AS min, r.good_max AS max,
         r.first_value AS first, r.last_value AS last, CASE WHEN r.count > 0 THEN 100.0 * r.good_count / r.count ELSE 0 END AS percent_good
    FROM public.telemetry_${width} r JOIN public.signals s ON s.id = r.signal_id ${PLACE}
   WHERE s.organization_id = ${ORG}`;

export const BI_VIEWS: Record<string, string> = {
  sites: `SELECT si.code AS site, si.name, si.timezone, si.country FROM public.sites si WHERE si.organization_id = ${ORG}`,
  lines: `SELECT l.code AS line, l.name, si.code AS site FROM public.lines l JOIN public.sites si ON si.id = l.site_id WHERE l.organization_id = ${ORG}`,
  assets: `SELECT a.code AS asset, a.name, t.name AS asset_type, l.code AS line, si.code AS site, a.criticality
             FROM public.assets a JOIN public.asset_types t ON t.id = a.asset_type_id JOIN public.lines l ON l.id = a.line_id JOIN public.sites si ON si.id = l.site_id
            WHERE a.organization_id = ${ORG}`,
  signals: `SELECT a.code AS asset, s.name AS signal, s.unit, s.data_type::text AS data_type, s.source_protocol::text AS source_protocol, s.sampling_interval_ms
              FROM public.signals s JOIN public.assets a ON a.id = s.asset_id WHERE s.organization_id = ${ORG}`,
  telemetry: `SELECT t.time, si.code AS site, l.code AS line, a.code AS asset, s.name AS signal, s.unit, t.value, ${QUALITY} AS quality, t.received_at
                FROM public.telemetry t JOIN public.signals s ON s.id = t.signal_id ${PLACE} WHERE s.organization_id = ${ORG}`,
  telemetry_1m: rollupView('1m'),
  telemetry_1h: rollupView('1h'),
  telemetry_1d: rollupView('1d'),
  insights: `SELECT x.raised_at, si.code AS site, l.code AS line, a.code AS asset, x.id, x.kind::text AS kind, x.severity::text AS severity, x.title,
                    u.name AS use_case, x.from_fallback, x.acknowledged_at, x.resolved_at, x.verdict::text AS verdict
               FROM public.insights x JOIN public.assets a ON a.id = x.asset_id JOIN public.lines l ON l.id = a.line_id JOIN public.sites si ON si.id = l.site_id
               LEFT JOIN public.use_cases u ON u.id = x.use_case_id
              WHERE x.organization_id = ${ORG}`,
  predictions: `SELECT p.ts AS time, a.code AS asset, m.name AS model, v.version, p.score, p.label
                  FROM public.predictions p JOIN public.assets a ON a.id = p.asset_id JOIN public.model_versions v ON v.id = p.model_version_id
                  JOIN public.models m ON m.id = v.model_id
                 WHERE p.organization_id = ${ORG}`,
  use_cases: `SELECT u.id, u.name, u.status::text AS status FROM public.use_cases u WHERE u.organization_id = ${ORG}`,
  kpi_measurements: `SELECT k.measured_at AS time, u.name AS use_case, kp.name AS kpi, kp.unit, k.value, kp.baseline, kp.target, k.source::text AS source
                       FROM public.kpi_measurements k JOIN public.kpis kp ON kp.id = k.kpi_id JOIN public.use_cases u ON u.id = kp.use_case_id
                      WHERE k.organization_id = ${ORG}`,
};

/** Drops the views, so the telemetry storage may change the columns they read (made again by installBiViews). */
export async function dropBiViews(pool: pg.Pool): Promise<void> {
  await pool.query(
    `DROP VIEW IF EXISTS ${Object.keys(BI_VIEWS)
      .map((name) => `bi.${name}`)
      .join(', ')}`,
  );
}

/** Makes the views afresh, in one transaction, and lets the readers' group read them (owner role). */
export function installBiViews(pool: pg.Pool): Promise<void> {
  return inTransaction(pool, async (db) => {
    for (const [name, sql] of Object.entries(BI_VIEWS)) {
      await db.$executeRawUnsafe(`DROP VIEW IF EXISTS bi.${name}`);
      await db.$executeRawUnsafe(`CREATE VIEW bi.${name} WITH (security_barrier) AS ${sql}`);
    }
    await db.$executeRawUnsafe('GRANT SELECT ON ALL TABLES IN SCHEMA bi TO threadline_bi');
  });
}
