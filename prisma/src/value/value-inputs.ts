// Everything the value figures of an organisation's use cases are computed from, in four
// statements: use cases, KPIs (gated or not, measurements ascending) and cost items.
import type { RawSql } from '../sql.ts';
import type { RoiCost, RoiKpi } from './roi.ts';
import { timeZoneOf } from '../plant/shift-calendar.ts';

export interface UseCaseValueInputs {
  id: string;
  name: string;
  status: string;
  kickoffAt: Date | null;
  firstValueAt: Date | null;
  /** The plant time zone its days are counted in (the organisation's). */
  timeZone: string;
  discountRateAnnual: number;
  dataReadiness: number;
  stakeholderAlignment: number;
  riskLevel: 'LOW' | 'MEDIUM' | 'HIGH';
  /** The version of these inputs (bumped by triggers on every change), as text. */
  valueVersion: string;
  kpis: (RoiKpi & { gated: boolean })[];
  costs: RoiCost[];
}

export async function loadValueInputs(db: RawSql, organizationId: string): Promise<UseCaseValueInputs[]> {
  const [timeZone, useCases, kpis, measurements, costs] = await Promise.all([
    timeZoneOf(db, organizationId, null),
    db.$queryRawUnsafe<
      {
        id: string;
        name: string;
        status: string;
        kickoff_at: Date | null;
        first_value_at: Date | null;
        discount_rate_annual: number;
        data_readiness: number;
        stakeholder_alignment: number;
        risk_level: UseCaseValueInputs['riskLevel'];
        value_version: string;
      }[]
    >(
      `SELECT id, name, status::text AS status, kickoff_at, first_value_at, discount_rate_annual, data_readiness, stakeholder_alignment, risk_level::text AS risk_level,
              value_version::text AS value_version
         FROM use_cases WHERE organization_id = $1::uuid ORDER BY name`,
      organizationId,
    ),
    db.$queryRawUnsafe<
      {
        id: string;
        use_case_id: string;
        name: string;
        direction: RoiKpi['direction'];
        baseline: number;
        target: number | null;
        value_per_unit: number;
        window_days: number;
        gated: boolean;
      }[]
    >(
      `SELECT k.id, k.use_case_id, k.name, k.direction::text AS direction, k.baseline, k.target, k.value_per_unit, k.window_days,
              EXISTS (SELECT 1 FROM wave_gates g WHERE g.kpi_id = k.id) AS gated
         FROM kpis k WHERE k.organization_id = $1::uuid ORDER BY k.name`,
      organizationId,
    ),
    db.$queryRawUnsafe<{ kpi_id: string; measured_at: Date; value: number }[]>(
      'SELECT kpi_id, measured_at, value FROM kpi_measurements WHERE organization_id = $1::uuid ORDER BY measured_at',
      organizationId,
    ),
    db.$queryRawUnsafe<{ id: string; use_case_id: string; name: string; kind: RoiCost['kind']; amount: number; starts_at: Date; ends_at: Date | null }[]>(
      'SELECT id, use_case_id, name, kind::text AS kind, amount, starts_at, ends_at FROM cost_items WHERE organization_id = $1::uuid ORDER BY starts_at',
      organizationId,
    ),
  ]);
  const series = new Map<string, { at: Date; value: number }[]>();
  for (const m of measurements) {
    const list = series.get(m.kpi_id) ?? [];
    list.push({ at: m.measured_at, value: m.value });
    series.set(m.kpi_id, list);
  }
  return useCases.map((u) => ({
    id: u.id,
    name: u.name,
    status: u.status,
    kickoffAt: u.kickoff_at,
    firstValueAt: u.first_value_at,
    timeZone,
    discountRateAnnual: u.discount_rate_annual,
    dataReadiness: u.data_readiness,
    stakeholderAlignment: u.stakeholder_alignment,
    riskLevel: u.risk_level,
    valueVersion: u.value_version,
    kpis: kpis
      .filter((k) => k.use_case_id === u.id)
      .map((k) => ({
        id: k.id,
        name: k.name,
        direction: k.direction,
        baseline: k.baseline,
        target: k.target,
        valuePerUnit: k.value_per_unit,
        windowDays: k.window_days,
        gated: k.gated,
        measurements: series.get(k.id) ?? [],
      })),
    costs: costs
      .filter((c) => c.use_case_id === u.id)
      .map((c) => ({ id: c.id, name: c.name, kind: c.kind, amount: c.amount, startsAt: c.starts_at, endsAt: c.ends_at })),
  }));
}
