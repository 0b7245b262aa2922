// Planned production time from each site's calendar, in SQL over PostgreSQL's multiranges: the
// shifts of each plant-local day (a night shift runs into the next day; its hours follow the wall
// clock, so it is an hour shorter or longer across a daylight-saving change), none on a holiday,
// every hour of the day at a site without shifts, less the planned stops of the asset, its line or
// its site. Availability, uptime, downtime and OEE (value/kpi-computation.ts) and the shift report
// (value/shift-report.ts) measure against it.
import { rows, type RawSql } from '../sql.ts';

/**
 * CTEs `asset_zone`, `shift_spans`, `stops` and `planned` (asset_id, shift, day, mr: the planned
 * spans of that shift instance in [from, to)) for the assets of the relation `assets` (column id).
 * A site without shifts has one instance per day with a null shift.
 */
export const plannedTimeCtes = (from: string, to: string, assets: string) => `
  asset_zone AS (
    SELECT a.id AS asset_id, a.line_id, l.site_id, s.timezone AS tz
      FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
      JOIN sites s ON s.organization_id = l.organization_id AND s.id = l.site_id
     WHERE a.id IN (SELECT id FROM ${assets})),
  site_days AS (
    SELECT DISTINCT z.site_id, z.tz, d::date AS day
      FROM (SELECT DISTINCT site_id, tz FROM asset_zone) z,
           generate_series((${from} AT TIME ZONE z.tz)::date - 1, (${to} AT TIME ZONE z.tz)::date, INTERVAL '1 day') d
     WHERE NOT EXISTS (SELECT 1 FROM site_holidays h WHERE h.site_id = z.site_id AND h.day = d::date)),
  shift_spans AS (
    SELECT sd.site_id, sh.name AS shift, sd.day,
           tstzrange((sd.day + sh.starts_at) AT TIME ZONE sd.tz,
                     (sd.day + sh.ends_at + CASE WHEN sh.ends_at <= sh.starts_at THEN INTERVAL '1 day' ELSE INTERVAL '0' END) AT TIME ZONE sd.tz) AS span
      FROM site_days sd JOIN shifts sh ON sh.site_id = sd.site_id AND extract(isodow FROM sd.day)::int2 = ANY (sh.weekdays)
    UNION ALL
    SELECT sd.site_id, NULL, sd.day, tstzrange(sd.day::timestamp AT TIME ZONE sd.tz, (sd.day + 1)::timestamp AT TIME ZONE sd.tz)
      FROM site_days sd WHERE NOT EXISTS (SELECT 1 FROM shifts sh WHERE sh.site_id = sd.site_id)),
  stops AS (
    SELECT z.asset_id, range_agg(tstzrange(p.starts_at, p.ends_at)) AS mr
      FROM asset_zone z JOIN planned_stops p ON p.site_id = z.site_id AND (p.line_id IS NULL OR p.line_id = z.line_id) AND (p.asset_id IS NULL OR p.asset_id = z.asset_id)
     WHERE p.starts_at < ${to} AND p.ends_at > ${from}
     GROUP BY z.asset_id),
  planned AS (
    SELECT z.asset_id, s.shift, s.day, s.span, tstzmultirange(s.span * tstzrange(${from}, ${to})) - coalesce(st.mr, '{}'::tstzmultirange) AS mr
      FROM asset_zone z JOIN shift_spans s ON s.site_id = z.site_id LEFT JOIN stops st ON st.asset_id = z.asset_id
     WHERE s.span && tstzrange(${from}, ${to}))`;

/**
 * CTE `incidents_mr` (asset_id, mr): the spans the scope's incidents kept each asset down in [from,
 * to): to their end, or for their downtime minutes, or while still open up to `to`.
 */
export const incidentSpansCte = (organization: string, from: string, to: string, assets: string) => `
  incidents_mr AS (
    SELECT i.asset_id, range_agg(tstzrange(i.started_at, least(e.ended_at, ${to}))) AS mr
      FROM incidents i
      CROSS JOIN LATERAL (SELECT CASE WHEN i.ended_at IS NOT NULL THEN i.ended_at WHEN i.downtime_minutes > 0
                                      THEN i.started_at + make_interval(secs => i.downtime_minutes * 60) ELSE ${to} END AS ended_at) e
     WHERE i.organization_id = ${organization} AND i.asset_id IN (SELECT id FROM ${assets})
       AND i.started_at < ${to} AND e.ended_at > ${from} AND e.ended_at > i.started_at
     GROUP BY i.asset_id)`;

/**
 * The plant time zone of a set of sites: theirs when they share one, else the organisation's (the
 * zone most of its sites use, the earliest site's on a tie; UTC without sites). No sites named: the
 * organisation's.
 */
export async function timeZoneOf(db: RawSql, organizationId: string, siteIds: readonly string[] | null): Promise<string> {
  const [found] = await rows<{ zone: string }>(
    db,
    `SELECT coalesce(
       (SELECT min(timezone) FROM sites WHERE organization_id = $1::uuid AND id = ANY($2::uuid[]) HAVING count(DISTINCT timezone) = 1),
       (SELECT timezone FROM sites WHERE organization_id = $1::uuid GROUP BY timezone ORDER BY count(*) DESC, min(created_at) LIMIT 1),
       'UTC') AS zone`,
    organizationId,
    siteIds ?? [],
  );
  return found!.zone;
}
