// KPIs computed from the thread (docs/value.md): each computation gives one value per plant-local
// day (in the time zone of the scope's sites: plant/shift-calendar.ts) in the KPI's unit, over the
// assets of its scope, rolled up from sums of times and counts so that a day can be recomputed
// whenever late data arrives. Time is measured against planned production time: the shifts of each
// site's calendar less holidays and planned stops (every hour at a site without shifts):
// - UPTIME (%): 100 × (1 − downtime / planned time), downtime the scope's incidents within it;
// - UNPLANNED_DOWNTIME (h/month): incident hours within planned time in the day, as a monthly rate;
// - OEE (%): availability × performance × quality: availability as for uptime, performance = units
//   counted / (ideal rate × run time), quality = 1 − rejected / counted (units from a rate signal in
//   units per minute, rejects from a percentage signal of the same asset and minute);
// - ENERGY_PER_UNIT (kWh/unit): energy integrated from a power signal (kW) / units counted;
// - ENERGY_COST (currency/month): energy × price per kWh, as a monthly rate;
// - DEFECT_RATE (%): 100 × defective / inspected, from inspection events (code, attributes), or
//   from the frames a vision model's champion scored (defective: scored at its threshold or above);
// - DETECTOR_VALUE (currency/month): a model's confusion matrix against incidents in the day
//   (true positive: an incident on the asset within the horizon after the insight, or linked to
//   it; false positive: none; missed: an incident no insight foresaw) × the value of each outcome.
// Energy and units come from the 1-minute rollups (each minute's mean × its length).
import { z } from 'zod';
import { rows as select, type RawSql } from '../sql.ts';
import { incidentSpansCte, plannedTimeCtes, timeZoneOf } from '../plant/shift-calendar.ts';
import { localDayStart } from '../plant/plant-days.ts';
import { oeeOf } from './oee.ts';

const DAY_MS = 86_400_000;
/** Days in a month for monthly rates (365.25 / 12). */
export const MONTH_DAYS = 365.25 / 12;

const scope = z
  .object({
    assetIds: z.array(z.uuid()).max(1_000).default([]),
    lineIds: z.array(z.uuid()).max(100).default([]),
    siteIds: z.array(z.uuid()).max(100).default([]),
    assetTypeId: z.uuid().optional(),
  })
  .strict()
  .describe("Assets named, on the lines or at the sites named (all of the organisation's when none), of the asset type when given.");

const signal = z.string().min(1).max(120);

export const kpiComputationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('UPTIME'), scope }).strict(),
  z.object({ kind: z.literal('UNPLANNED_DOWNTIME'), scope }).strict(),
  z.object({ kind: z.literal('OEE'), scope, countSignal: signal, idealRatePerMinute: z.number().positive(), rejectSignal: signal.optional() }).strict(),
  z.object({ kind: z.literal('ENERGY_PER_UNIT'), scope, energySignal: signal.default('power'), countSignal: signal, countScope: scope.optional() }).strict(),
  z.object({ kind: z.literal('ENERGY_COST'), scope, energySignal: signal.default('power'), pricePerKwh: z.number().nonnegative() }).strict(),
  z
    .object({
      kind: z.literal('DEFECT_RATE'),
      scope,
      inspectionCode: signal.default('INSPECTION'),
      /** Count the parts this vision model's champion scored (defective: at or above its version's threshold) instead of inspection events. */
      visionModelId: z.uuid().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('DETECTOR_VALUE'),
      scope,
      modelId: z.uuid(),
      horizonHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(48),
      valuePerTruePositive: z.number().nonnegative(),
      costPerFalsePositive: z.number().nonnegative(),
      costPerMissed: z.number().nonnegative(),
    })
    .strict(),
]);

export type KpiComputation = z.infer<typeof kpiComputationSchema>;
export type ComputationScope = z.infer<typeof scope>;

export interface ComputedDay {
  /** The plant-local day's start; the measurement's time. */
  day: Date;
  value: number;
  /** The sums behind the value, in words. */
  note: string;
}

/** The scope's assets as a subquery over parameters $1 (organisation) and $n.. (scope). */
function scopeSql(first: number): string {
  const [assets, lines, sites, type] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return `SELECT a.id FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
           WHERE a.organization_id = $1::uuid AND (${type}::uuid IS NULL OR a.asset_type_id = ${type}::uuid)
             AND ((cardinality(${assets}::uuid[]) = 0 AND cardinality(${lines}::uuid[]) = 0 AND cardinality(${sites}::uuid[]) = 0)
                  OR a.id = ANY(${assets}::uuid[]) OR a.line_id = ANY(${lines}::uuid[]) OR l.site_id = ANY(${sites}::uuid[]))`;
}
const scopeParams = (s: ComputationScope) => [s.assetIds, s.lineIds, s.siteIds, s.assetTypeId ?? null];

/** The plant time zone of a scope: its sites' when they share one, else the organisation's. */
async function scopeTimeZone(db: RawSql, organizationId: string, s: ComputationScope): Promise<string> {
  const [found] = await select<{ sites: string[] | null }>(
    db,
    `WITH scope AS (${scopeSql(2)}) SELECT array_agg(DISTINCT l.site_id) AS sites FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
      WHERE a.organization_id = $1::uuid AND a.id IN (SELECT id FROM scope)`,
    organizationId,
    ...scopeParams(s),
  );
  return timeZoneOf(db, organizationId, found!.sites ?? []);
}

/** Plant-local days [$2, $3) in time zone $9, each day's end capped at $4 (now); params $1 org, $2 from, $3 to, $4 now. */
const DAYS = `days AS (SELECT d AT TIME ZONE $9 AS s, least((d + interval '1 day') AT TIME ZONE $9, $4::timestamptz) AS e
                        FROM generate_series(($2::timestamptz AT TIME ZONE $9)::date::timestamp, (($3::timestamptz - interval '1 millisecond') AT TIME ZONE $9)::date::timestamp, interval '1 day') d
                       WHERE d AT TIME ZONE $9 < $4::timestamptz)`;

/** Per day: the scope's assets with planned time, planned hours and incident hours within them. Scope params from $5. */
const DOWNTIME = `${DAYS}, scope AS (${scopeSql(5)}),
  ${plannedTimeCtes('$2::timestamptz', 'least($3::timestamptz, $4::timestamptz)', 'scope')},
  ${incidentSpansCte('$1::uuid', '$2::timestamptz', 'least($3::timestamptz, $4::timestamptz)', 'scope')},
  asset_planned AS (SELECT p.asset_id, range_agg(r) AS mr FROM planned p, unnest(p.mr) r GROUP BY p.asset_id),
  downtime AS (
    SELECT days.s, days.e, count(ap.asset_id)::float8 AS assets,
           sum(multirange_seconds(ap.mr * tstzmultirange(tstzrange(days.s, days.e)))) / 3600 AS planned_hours,
           sum(multirange_seconds(ap.mr * tstzmultirange(tstzrange(days.s, days.e)) * coalesce(im.mr, '{}'::tstzmultirange))) / 3600 AS down_hours
      FROM days CROSS JOIN asset_planned ap LEFT JOIN incidents_mr im ON im.asset_id = ap.asset_id
     WHERE ap.mr && tstzrange(days.s, days.e)
     GROUP BY days.s, days.e)`;

/** Per day and scope: Σ over minutes of the mean of a signal's GOOD points × minutes ($n signal name), as every read averages. */
const minuteIntegral = (signalParam: string, scopeName: string) => `
  SELECT days.s, sum(r.good_sum / r.good_value_count) AS total
    FROM days JOIN telemetry_1m r ON r.bucket >= days.s AND r.bucket < days.e AND r.good_value_count > 0
    JOIN signals g ON g.id = r.signal_id AND g.organization_id = $1::uuid AND g.name = ${signalParam} AND g.asset_id IN (SELECT id FROM ${scopeName})
   GROUP BY days.s`;

interface Row {
  s: Date;
  value: number;
  note: string;
}

const hours = (r: { s: Date; e: Date }) => (r.e.getTime() - r.s.getTime()) / 3_600_000;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/**
 * The computed value of each plant-local day that [from, to) touches, up to `now`; days without the
 * data a value needs are left out.
 */
export async function computeKpiDays(db: RawSql, organizationId: string, c: KpiComputation, from: Date, to: Date, now: Date): Promise<ComputedDay[]> {
  const zone = await scopeTimeZone(db, organizationId, c.scope);
  const base = [organizationId, localDayStart(from, zone), localDayStart(new Date(to.getTime() - 1), zone, 1), now, ...scopeParams(c.scope), zone];
  let rows: Row[];
  switch (c.kind) {
    case 'UPTIME':
    case 'UNPLANNED_DOWNTIME': {
      const found = await db.$queryRawUnsafe<{ s: Date; e: Date; assets: number; planned_hours: number; down_hours: number }[]>(
        `WITH ${DOWNTIME} SELECT * FROM downtime ORDER BY s`,
        ...base,
      );
      rows = found
        .filter((r) => Number(r.planned_hours) > 0)
        .map((r) => {
          const planned = Number(r.planned_hours);
          const down = Number(r.down_hours);
          return c.kind === 'UPTIME'
            ? { s: r.s, value: 100 * (1 - down / planned), note: `${round(down)} h down of ${round(planned)} h planned on ${r.assets} assets` }
            : {
                s: r.s,
                value: (down * (MONTH_DAYS * 24)) / hours(r),
                note: `${round(down)} h down of ${round(planned)} h planned in ${round(hours(r))} h on ${r.assets} assets`,
              };
        });
      break;
    }
    case 'OEE': {
      const found = await db.$queryRawUnsafe<
        { s: Date; e: Date; assets: number; planned_hours: number; down_hours: number; units: number | null; rejected: number | null }[]
      >(
        `WITH ${DOWNTIME},
           counted AS (${minuteIntegral('$10', 'scope')}),
           rejected AS (
             SELECT days.s, sum((c.good_sum / c.good_value_count) * (x.good_sum / x.good_value_count) / 100) AS total
               FROM days JOIN telemetry_1m c ON c.bucket >= days.s AND c.bucket < days.e AND c.good_value_count > 0
               JOIN signals cs ON cs.id = c.signal_id AND cs.organization_id = $1::uuid AND cs.name = $10 AND cs.asset_id IN (SELECT id FROM scope)
               JOIN signals xs ON xs.organization_id = $1::uuid AND xs.asset_id = cs.asset_id AND xs.name = $11
               JOIN telemetry_1m x ON x.signal_id = xs.id AND x.bucket = c.bucket AND x.good_value_count > 0
              GROUP BY days.s)
         SELECT d.*, counted.total AS units, rejected.total AS rejected FROM downtime d
           LEFT JOIN counted ON counted.s = d.s LEFT JOIN rejected ON rejected.s = d.s ORDER BY d.s`,
        ...base,
        c.countSignal,
        c.rejectSignal ?? '',
      );
      rows = found
        .filter((r) => Number(r.planned_hours) > 0 && r.units !== null && Number(r.units) > 0)
        .map((r) => {
          const units = Number(r.units);
          const rejected = c.rejectSignal ? Number(r.rejected ?? 0) : 0;
          const oee = oeeOf({
            plannedHours: Number(r.planned_hours),
            downHours: Number(r.down_hours),
            units,
            rejected,
            idealRatePerMinute: c.idealRatePerMinute,
          });
          return {
            s: r.s,
            value: 100 * oee.oee,
            note: `availability ${round(oee.availability, 4)} × performance ${round(oee.performance, 4)} × quality ${round(oee.quality, 4)} (${round(units)} units, ${round(rejected)} rejected in ${round(Number(r.planned_hours))} h planned)`,
          };
        });
      break;
    }
    case 'ENERGY_PER_UNIT':
    case 'ENERGY_COST': {
      const countScope = c.kind === 'ENERGY_PER_UNIT' ? (c.countScope ?? c.scope) : c.scope;
      const found = await db.$queryRawUnsafe<{ s: Date; e: Date; kwh: number | null; units: number | null }[]>(
        `WITH ${DAYS}, scope AS (${scopeSql(5)}), count_scope AS (${scopeSql(10)}),
           energy AS (${minuteIntegral('$14', 'scope')}), counted AS (${minuteIntegral('$15', 'count_scope')})
         SELECT days.s, days.e, energy.total / 60 AS kwh, counted.total AS units FROM days
           LEFT JOIN energy ON energy.s = days.s LEFT JOIN counted ON counted.s = days.s ORDER BY days.s`,
        ...base,
        ...scopeParams(countScope),
        c.energySignal,
        c.kind === 'ENERGY_PER_UNIT' ? c.countSignal : '',
      );
      rows =
        c.kind === 'ENERGY_PER_UNIT'
          ? found
              .filter((r) => r.kwh !== null && r.units !== null && Number(r.units) > 0)
              .map((r) => ({ s: r.s, value: Number(r.kwh) / Number(r.units), note: `${round(Number(r.kwh))} kWh for ${round(Number(r.units))} units` }))
          : found
              .filter((r) => r.kwh !== null)
              .map((r) => ({
                s: r.s,
                value: (Number(r.kwh) * c.pricePerKwh * (MONTH_DAYS * 24)) / hours(r),
                note: `${round(Number(r.kwh))} kWh in ${round(hours(r))} h at ${c.pricePerKwh} per kWh`,
              }));
      break;
    }
    case 'DEFECT_RATE': {
      const inspections = c.visionModelId
        ? `SELECT p.ts AS time, 1 AS inspected, CASE WHEN p.score >= v.threshold THEN 1 ELSE 0 END AS defective
             FROM predictions p JOIN deployments d ON d.organization_id = p.organization_id AND d.id = p.deployment_id AND d.mode = 'CHAMPION'
             JOIN model_versions v ON v.organization_id = p.organization_id AND v.id = p.model_version_id AND v.model_id = $10::uuid
            WHERE p.organization_id = $1::uuid AND p.asset_id IN (SELECT id FROM scope) AND p.ts >= $2::timestamptz AND p.ts < $3::timestamptz`
        : `SELECT e.time,
                  CASE WHEN jsonb_typeof(e.attributes->'inspected') = 'number' THEN (e.attributes->>'inspected')::float8 ELSE 1 END AS inspected,
                  CASE jsonb_typeof(e.attributes->'defective') WHEN 'number' THEN (e.attributes->>'defective')::float8
                       WHEN 'boolean' THEN CASE WHEN (e.attributes->>'defective')::boolean THEN 1 ELSE 0 END
                       ELSE CASE WHEN upper(e.attributes->>'result') = 'FAIL' THEN 1 ELSE 0 END END AS defective
             FROM plant_events e WHERE e.organization_id = $1::uuid AND e.code = $10 AND e.asset_id IN (SELECT id FROM scope)
              AND e.time >= $2::timestamptz AND e.time < $3::timestamptz`;
      const found = await db.$queryRawUnsafe<{ s: Date; inspected: number; defective: number }[]>(
        `WITH ${DAYS}, scope AS (${scopeSql(5)}), inspections AS (${inspections})
         SELECT days.s, sum(i.inspected) AS inspected, sum(i.defective) AS defective
           FROM days JOIN inspections i ON i.time >= days.s AND i.time < days.e GROUP BY days.s ORDER BY days.s`,
        ...base,
        c.visionModelId ?? c.inspectionCode,
      );
      rows = found
        .filter((r) => Number(r.inspected) > 0)
        .map((r) => ({
          s: r.s,
          value: (100 * Number(r.defective)) / Number(r.inspected),
          note: `${round(Number(r.defective))} defective of ${round(Number(r.inspected))} inspected`,
        }));
      break;
    }
    case 'DETECTOR_VALUE': {
      const found = await db.$queryRawUnsafe<{ s: Date; e: Date; tp: number; fp: number; fn: number }[]>(
        `WITH ${DAYS}, scope AS (${scopeSql(5)}),
           raised AS (
             SELECT i.id, i.asset_id, i.raised_at FROM insights i
               JOIN model_versions v ON v.organization_id = i.organization_id AND v.id = i.model_version_id
              WHERE i.organization_id = $1::uuid AND v.model_id = $10::uuid AND i.asset_id IN (SELECT id FROM scope)
                AND i.raised_at >= $2::timestamptz - make_interval(secs => $11 * 3600) AND i.raised_at < $3::timestamptz),
           happened AS (
             SELECT n.id, n.asset_id, n.started_at, n.insight_id FROM incidents n
              WHERE n.organization_id = $1::uuid AND n.asset_id IN (SELECT id FROM scope)
                AND n.started_at >= $2::timestamptz AND n.started_at < $3::timestamptz + make_interval(secs => $11 * 3600)),
           judged AS (
             SELECT r.raised_at AS at,
                    CASE WHEN EXISTS (SELECT 1 FROM happened h WHERE h.insight_id = r.id OR (h.asset_id = r.asset_id
                           AND h.started_at >= r.raised_at AND h.started_at <= r.raised_at + make_interval(secs => $11 * 3600))) THEN 'TP' ELSE 'FP' END AS outcome
               FROM raised r
             UNION ALL
             SELECT h.started_at, 'FN' FROM happened h
              WHERE NOT EXISTS (SELECT 1 FROM raised r WHERE r.id = h.insight_id OR (r.asset_id = h.asset_id
                      AND r.raised_at <= h.started_at AND r.raised_at >= h.started_at - make_interval(secs => $11 * 3600))))
         SELECT days.s, days.e, count(*) FILTER (WHERE j.outcome = 'TP')::int AS tp, count(*) FILTER (WHERE j.outcome = 'FP')::int AS fp,
                count(*) FILTER (WHERE j.outcome = 'FN')::int AS fn
           FROM days LEFT JOIN judged j ON j.at >= days.s AND j.at < days.e GROUP BY days.s, days.e ORDER BY days.s`,
        ...base,
        c.modelId,
        c.horizonHours,
      );
      rows = found.map((r) => {
        const value = r.tp * c.valuePerTruePositive - r.fp * c.costPerFalsePositive - r.fn * c.costPerMissed;
        return {
          s: r.s,
          value: (value * (MONTH_DAYS * 24)) / hours(r),
          note: `${r.tp} true positives, ${r.fp} false positives, ${r.fn} missed in ${round(hours(r))} h`,
        };
      });
      break;
    }
  }
  return rows.filter((r) => Number.isFinite(r.value)).map((r) => ({ day: r.s, value: r.value, note: r.note }));
}

/** The UTC day start at or before `at`. */
export function dayStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}
