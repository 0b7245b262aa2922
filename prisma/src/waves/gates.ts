// KPI gates of a scaling wave, evaluated from measurements (DESIGN §2): a gate passes when the
// average of its KPI's measurements over the gate's window, ending at the evaluation time, is at or
// better than the threshold in the KPI's direction. The window is the gate's last windowDays
// plant-local days, today's included (the organisation's time zone, as computed KPI days are).
// A window without measurements fails the gate.
import type { RawSql } from '../sql.ts';
import { timeZoneOf } from '../plant/shift-calendar.ts';
import { systemClock } from '../clock.ts';

export interface GateResult {
  gateId: string;
  kpiId: string;
  kpi: string;
  unit: string;
  direction: 'LOWER_IS_BETTER' | 'HIGHER_IS_BETTER';
  threshold: number;
  windowDays: number;
  /** Average of the window's measurements; null when there were none. */
  value: number | null;
  measurements: number;
  passing: boolean;
  reason: string;
}

interface GateRow {
  gate_id: string;
  kpi_id: string;
  kpi: string;
  unit: string;
  direction: GateResult['direction'];
  threshold: number;
  window_days: number;
  value: number | null;
  measurements: number;
}

/** Why a gate passes or fails, in words a gate reviewer reads. */
function verdict(row: GateRow): { passing: boolean; reason: string } {
  if (row.value === null) return { passing: false, reason: `No measurements of ${row.kpi} in the last ${row.window_days} days.` };
  const lower = row.direction === 'LOWER_IS_BETTER';
  const passing = lower ? row.value <= row.threshold : row.value >= row.threshold;
  const shown = `${Number(row.value.toFixed(4))} ${row.unit}`.trim();
  const relation = passing ? (lower ? 'at or below' : 'at or above') : lower ? 'above' : 'below';
  return { passing, reason: `${row.kpi}: ${row.window_days}-day average ${shown} is ${relation} the threshold ${row.threshold}.` };
}

/** Evaluates every gate of a wave at `at`, stores the result on each gate, and returns them. */
export async function evaluateWaveGates(db: RawSql, organizationId: string, waveId: string, at: Date = systemClock.now()): Promise<GateResult[]> {
  const rows = await db.$queryRawUnsafe<GateRow[]>(
    `SELECT g.id AS gate_id, k.id AS kpi_id, k.name AS kpi, k.unit, k.direction::text AS direction, g.threshold, g.window_days,
            avg(m.value) AS value, count(m.id)::int AS measurements
       FROM wave_gates g
       JOIN kpis k ON k.organization_id = g.organization_id AND k.id = g.kpi_id
       LEFT JOIN kpi_measurements m ON m.organization_id = k.organization_id AND m.kpi_id = k.id
        AND m.measured_at >= (date_trunc('day', $3::timestamptz AT TIME ZONE $4) - make_interval(days => g.window_days - 1)) AT TIME ZONE $4
        AND m.measured_at <= $3::timestamptz
      WHERE g.organization_id = $1::uuid AND g.wave_id = $2::uuid
      GROUP BY g.id, k.id ORDER BY k.name`,
    organizationId,
    waveId,
    at,
    await timeZoneOf(db, organizationId, null),
  );
  const results = rows.map((row) => ({
    gateId: row.gate_id,
    kpiId: row.kpi_id,
    kpi: row.kpi,
    unit: row.unit,
    direction: row.direction,
    threshold: row.threshold,
    windowDays: row.window_days,
    value: row.value === null ? null : Number(row.value),
    measurements: row.measurements,
    ...verdict(row),
  }));
  await db.$executeRawUnsafe(
    `UPDATE wave_gates g SET last_value = u.value, passing = u.passing, last_evaluated_at = $5
       FROM unnest($2::uuid[], $3::float8[], $4::boolean[]) AS u(id, value, passing)
      WHERE g.organization_id = $1::uuid AND g.id = u.id`,
    organizationId,
    results.map((r) => r.gateId),
    results.map((r) => r.value),
    results.map((r) => r.passing),
    at,
  );
  return results;
}
