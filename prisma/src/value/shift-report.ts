// Performance per shift instance (issue 25): the planned production time of the scope's assets in
// each shift (plant/shift-calendar.ts), the unplanned downtime within it and availability; with an
// OEE computation, the units counted and rejected in the shift's planned minutes (1-minute rollups),
// performance, quality and OEE as the daily KPI computes them (oee.ts).
import { rows, type RawSql } from '../sql.ts';
import { Refusal } from '../refusal.ts';
import { incidentSpansCte, plannedTimeCtes } from '../plant/shift-calendar.ts';
import { oeeOf } from './oee.ts';

export interface ShiftPerformance {
  /** The plant-local date the shift started on. */
  day: string;
  /** The shift's name; null at a site without shifts (the whole day). */
  shift: string | null;
  startsAt: Date;
  endsAt: Date;
  /** Planned production time of the assets in the shift, less planned stops, up to now. */
  plannedHours: number;
  /** Incident time within the planned time. */
  downtimeHours: number;
  /** 100 × (planned − downtime) / planned; null when nothing was planned. */
  availabilityPct: number | null;
  assets: number;
  /** With an OEE computation: units counted in the planned minutes, and OEE in %. */
  units: number | null;
  oeePct: number | null;
}

/** The assets a report covers: those named, on the lines named and at the sites named (at least one of them). */
export interface ReportScope {
  assetIds?: readonly string[];
  lineIds?: readonly string[];
  siteIds?: readonly string[];
}

/** OEE per shift: units from a rate signal (units/min), rejects from a percentage signal of the same asset and minute. */
export interface ShiftOee {
  countSignal: string;
  idealRatePerMinute: number;
  rejectSignal?: string | null;
}

/** The longest period one shift report covers. */
export const MAX_REPORT_DAYS = 62;

/** Planned time, downtime and availability (and OEE when asked) of each shift of the scope's assets in [from, to), up to `now`. */
export async function shiftReport(
  db: RawSql,
  organizationId: string,
  scope: ReportScope,
  from: Date,
  to: Date,
  now: Date,
  oee?: ShiftOee | null,
): Promise<ShiftPerformance[]> {
  if (!(to > from)) throw new Refusal('to must be after from.', 'to');
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 86_400_000) throw new Refusal(`A shift report covers at most ${MAX_REPORT_DAYS} days.`, 'from');
  if (oee && !(oee.idealRatePerMinute > 0)) throw new Refusal('idealRatePerMinute must be above 0.', 'idealRatePerMinute');
  const end = new Date(Math.min(to.getTime(), now.getTime()));
  if (end <= from) return [];
  const found = await rows<{
    day: string;
    shift: string | null;
    startsAt: Date;
    endsAt: Date;
    planned: number;
    down: number;
    assets: number;
    units: number | null;
    rejected: number | null;
  }>(
    db,
    `WITH scope AS (
       SELECT a.id FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
        WHERE a.organization_id = $1::uuid AND (a.id = ANY($2::uuid[]) OR a.line_id = ANY($5::uuid[]) OR l.site_id = ANY($6::uuid[]))),
     ${plannedTimeCtes('$3::timestamptz', '$4::timestamptz', 'scope')},
     ${incidentSpansCte('$1::uuid', '$3::timestamptz', '$4::timestamptz', 'scope')},
     counted AS (
       SELECT p.asset_id, p.day, p.shift, p.span, sum(c.good_sum / c.good_value_count) AS units,
              sum((c.good_sum / c.good_value_count) * coalesce(x.good_sum / nullif(x.good_value_count, 0), 0) / 100) AS rejected
         FROM planned p
         JOIN signals cs ON cs.organization_id = $1::uuid AND cs.asset_id = p.asset_id AND cs.name = $7
         JOIN telemetry_1m c ON c.signal_id = cs.id AND c.good_value_count > 0 AND c.bucket >= lower(p.span) AND c.bucket < upper(p.span) AND p.mr @> c.bucket
         LEFT JOIN signals xs ON xs.organization_id = $1::uuid AND xs.asset_id = p.asset_id AND xs.name = $8
         LEFT JOIN telemetry_1m x ON x.signal_id = xs.id AND x.bucket = c.bucket AND x.good_value_count > 0
        GROUP BY p.asset_id, p.day, p.shift, p.span)
     SELECT p.day::text AS day, p.shift, lower(p.span) AS "startsAt", upper(p.span) AS "endsAt", sum(multirange_seconds(p.mr)) / 3600 AS planned,
            sum(multirange_seconds(p.mr * coalesce(im.mr, '{}'::tstzmultirange))) / 3600 AS down, count(DISTINCT p.asset_id)::int AS assets,
            sum(k.units) AS units, sum(k.rejected) AS rejected
       FROM planned p LEFT JOIN incidents_mr im ON im.asset_id = p.asset_id
       LEFT JOIN counted k ON k.asset_id = p.asset_id AND k.day = p.day AND k.shift IS NOT DISTINCT FROM p.shift AND k.span = p.span
      GROUP BY p.day, p.shift, p.span ORDER BY lower(p.span), p.shift`,
    organizationId,
    scope.assetIds ?? [],
    from,
    end,
    scope.lineIds ?? [],
    scope.siteIds ?? [],
    oee?.countSignal ?? null,
    oee?.rejectSignal ?? null,
  );
  return found.map((r) => {
    const planned = Number(r.planned);
    const down = Number(r.down);
    const units = oee ? Number(r.units ?? 0) : null;
    return {
      day: r.day,
      shift: r.shift,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
      plannedHours: planned,
      downtimeHours: down,
      availabilityPct: planned > 0 ? (100 * (planned - down)) / planned : null,
      assets: r.assets,
      units,
      oeePct:
        oee && units !== null && planned > 0
          ? 100 * oeeOf({ plannedHours: planned, downHours: down, units, rejected: Number(r.rejected ?? 0), idealRatePerMinute: oee.idealRatePerMinute }).oee
          : null,
    };
  });
}
