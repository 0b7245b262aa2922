// ROI exactly as DESIGN §2, month by month from the use case's kickoff: a KPI's improvement is
// `baseline − actual` when lower is better and `actual − baseline` when higher is better; benefit per
// month = Σ improvement × value per unit; ROI = (cumulative benefit − cumulative cost) / cumulative
// cost; payback = the first month where cumulative benefit ≥ cumulative cost; NPV at annual rate r =
// Σ_m (benefit_m − cost_m) / (1 + r/12)^m. PROJECTED takes each KPI's target as its actual (a KPI
// without a target projects nothing); REALISED takes the average of the KPI's measurements over its
// window (default 30 days) ending at the month's end (a month without measurements realises nothing).

export type RoiBasis = 'PROJECTED' | 'REALISED';

export interface RoiKpi {
  id: string;
  name: string;
  direction: 'LOWER_IS_BETTER' | 'HIGHER_IS_BETTER';
  baseline: number;
  target: number | null;
  valuePerUnit: number;
  windowDays: number;
  /** Ascending by time. */
  measurements: readonly { at: Date; value: number }[];
}

export interface RoiCost {
  id: string;
  name: string;
  kind: 'ONE_TIME' | 'MONTHLY';
  amount: number;
  startsAt: Date;
  endsAt: Date | null;
}

export interface RoiInput {
  kickoffAt: Date;
  discountRateAnnual: number;
  kpis: readonly RoiKpi[];
  costs: readonly RoiCost[];
  /** Months counted: realised up to now, projected over a planning horizon. */
  months: number;
  /** When realised figures end (now): a month still running averages its KPIs' windows up to here, not up to its end. */
  asOf?: Date | undefined;
}

export interface RoiMonth {
  month: number;
  startsAt: Date;
  benefit: number;
  cost: number;
  cumulativeBenefit: number;
  cumulativeCost: number;
}

export interface RoiFigures {
  basis: RoiBasis;
  months: RoiMonth[];
  /** Benefit of the last month counted. */
  monthlyBenefit: number;
  cumulativeBenefit: number;
  cumulativeCost: number;
  /** Null while nothing has been spent. */
  roi: number | null;
  /** Null when never reached within the months counted. */
  paybackMonth: number | null;
  npv: number;
  /** Per KPI: its improvement and benefit in the last month counted, and why it adds nothing. */
  kpis: { kpiId: string; name: string; improvement: number | null; benefitPerMonth: number; note: string | null }[];
  /** Per cost item: what it added up to over the months counted. */
  costs: { costItemId: string; name: string; total: number }[];
}

const DAY_MS = 86_400_000;

/** The start of month m (1-based) after kickoff, in calendar months (UTC). */
export function monthStart(kickoffAt: Date, m: number): Date {
  const d = new Date(kickoffAt);
  d.setUTCMonth(d.getUTCMonth() + m - 1);
  return d;
}

/** A KPI's improvement over its baseline, signed so that better is positive. */
export function improvement(kpi: Pick<RoiKpi, 'direction' | 'baseline'>, actual: number): number {
  return kpi.direction === 'LOWER_IS_BETTER' ? kpi.baseline - actual : actual - kpi.baseline;
}

/** The average of the measurements in the window of `days` ending at `end`; null without any. */
export function windowAverage(measurements: RoiKpi['measurements'], end: Date, days: number): number | null {
  const from = end.getTime() - days * DAY_MS;
  let sum = 0;
  let n = 0;
  for (const m of measurements) {
    const t = m.at.getTime();
    if (t > from && t <= end.getTime()) {
      sum += m.value;
      n += 1;
    }
  }
  return n === 0 ? null : sum / n;
}

function actualOf(kpi: RoiKpi, basis: RoiBasis, monthEnd: Date): number | null {
  return basis === 'PROJECTED' ? kpi.target : windowAverage(kpi.measurements, monthEnd, kpi.windowDays);
}

/** What a cost item costs in month m: a one-time cost in the month it falls in (month 1 if before kickoff), a monthly cost in every month it runs. */
function costIn(cost: RoiCost, start: Date, end: Date, m: number): number {
  if (cost.kind === 'ONE_TIME') {
    const at = cost.startsAt.getTime();
    return (at >= start.getTime() || m === 1) && at < end.getTime() ? cost.amount : 0;
  }
  const running = cost.startsAt.getTime() < end.getTime() && (cost.endsAt === null || cost.endsAt.getTime() > start.getTime());
  return running ? cost.amount : 0;
}

/** Months a projection covers unless told otherwise, and the most any figure covers. */
export const PLANNING_MONTHS = 36;
export const MAX_MONTHS = 240;

/** Whole or begun months from kickoff to `now` (at least one): what REALISED counts. */
export function monthsSince(kickoffAt: Date, now: Date): number {
  let m = 1;
  while (m < MAX_MONTHS && monthStart(kickoffAt, m + 1) <= now) m += 1;
  return m;
}

export function computeRoi(input: RoiInput, basis: RoiBasis): RoiFigures {
  const months: RoiMonth[] = [];
  const costTotals = new Map(input.costs.map((c) => [c.id, 0]));
  const monthlyRate = input.discountRateAnnual / 12;
  let cumulativeBenefit = 0;
  let cumulativeCost = 0;
  let npv = 0;
  let paybackMonth: number | null = null;
  const upTo = (end: Date) => (input.asOf && input.asOf < end ? input.asOf : end);
  for (let m = 1; m <= input.months; m += 1) {
    const start = monthStart(input.kickoffAt, m);
    const end = monthStart(input.kickoffAt, m + 1);
    let benefit = 0;
    for (const kpi of input.kpis) {
      const actual = actualOf(kpi, basis, upTo(end));
      if (actual !== null) benefit += improvement(kpi, actual) * kpi.valuePerUnit;
    }
    let cost = 0;
    for (const c of input.costs) {
      const amount = costIn(c, start, end, m);
      cost += amount;
      costTotals.set(c.id, costTotals.get(c.id)! + amount);
    }
    cumulativeBenefit += benefit;
    cumulativeCost += cost;
    npv += (benefit - cost) / (1 + monthlyRate) ** m;
    if (paybackMonth === null && cumulativeCost > 0 && cumulativeBenefit >= cumulativeCost) paybackMonth = m;
    months.push({ month: m, startsAt: start, benefit, cost, cumulativeBenefit, cumulativeCost });
  }
  const lastEnd = upTo(monthStart(input.kickoffAt, input.months + 1));
  const kpis = input.kpis.map((kpi) => {
    const actual = actualOf(kpi, basis, lastEnd);
    const note = actual !== null ? null : basis === 'PROJECTED' ? 'no target: projects nothing' : `no measurement in the last ${kpi.windowDays} days`;
    const gain = actual === null ? null : improvement(kpi, actual);
    return { kpiId: kpi.id, name: kpi.name, improvement: gain, benefitPerMonth: (gain ?? 0) * kpi.valuePerUnit, note };
  });
  return {
    basis,
    months,
    monthlyBenefit: months.at(-1)?.benefit ?? 0,
    cumulativeBenefit,
    cumulativeCost,
    roi: cumulativeCost > 0 ? (cumulativeBenefit - cumulativeCost) / cumulativeCost : null,
    paybackMonth,
    npv,
    kpis,
    costs: input.costs.map((c) => ({ costItemId: c.id, name: c.name, total: costTotals.get(c.id)! })),
  };
}

/** ROI on a basis as it stands at `now`: projected over the planning horizon, realised from kickoff to now. */
export function roiNow(useCase: Omit<RoiInput, 'months'>, basis: RoiBasis, now: Date, months?: number): RoiFigures {
  const realised = basis === 'REALISED';
  return computeRoi(
    { ...useCase, months: months ?? (realised ? monthsSince(useCase.kickoffAt, now) : PLANNING_MONTHS), asOf: realised ? now : undefined },
    basis,
  );
}
