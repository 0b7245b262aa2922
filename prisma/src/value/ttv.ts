// Time to value (DESIGN §2): TTV = firstValueAt − kickoffAt, where firstValueAt is the end of the
// first day on which the 7-day average of every gated KPI meets its target. Gated KPIs are those a
// wave gate of the use case names (every KPI of the use case when no gate names one); those without
// a target are left out. When no gated KPI has a target, firstValueAt is the end of the 7th day in a
// row with realised benefit > 0 (Σ improvement of each KPI's 7-day average × value per unit).
// Days are plant-local calendar days (the organisation's time zone) from the kickoff's day.
import { improvement, windowAverage, type RoiKpi } from './roi.ts';
import { localDayStart } from '../plant/plant-days.ts';

const DAY_MS = 86_400_000;
const TTV_WINDOW_DAYS = 7;

export interface TtvInput {
  kickoffAt: Date;
  /** The plant time zone whose days are counted (UTC when not given). */
  timeZone?: string;
  kpis: readonly (RoiKpi & { gated: boolean })[];
}

export interface FirstValue {
  firstValueAt: Date;
  /** The rule that found it. */
  rule: 'TARGETS_MET' | 'BENEFIT_POSITIVE';
  /** firstValueAt − kickoffAt in days. */
  ttvDays: number;
}

function meetsTarget(kpi: RoiKpi, average: number): boolean {
  return kpi.direction === 'LOWER_IS_BETTER' ? average <= kpi.target! : average >= kpi.target!;
}

/** The first day of value up to `now`, or null when it has not come yet. */
export function firstValue(input: TtvInput, now: Date): FirstValue | null {
  const considered = input.kpis.some((k) => k.gated) ? input.kpis.filter((k) => k.gated) : input.kpis;
  const targeted = considered.filter((k) => k.target !== null);
  const zone = input.timeZone ?? 'UTC';
  let positiveDays = 0;
  for (let at = localDayStart(input.kickoffAt, zone, 1); at <= now; at = localDayStart(at, zone, 1)) {
    const end = at.getTime();
    let reached: boolean;
    if (targeted.length > 0) {
      reached = targeted.every((k) => {
        const average = windowAverage(k.measurements, at, TTV_WINDOW_DAYS);
        return average !== null && meetsTarget(k, average);
      });
    } else {
      const benefit = input.kpis.reduce((sum, k) => {
        const average = windowAverage(k.measurements, at, TTV_WINDOW_DAYS);
        return average === null ? sum : sum + improvement(k, average) * k.valuePerUnit;
      }, 0);
      positiveDays = benefit > 0 ? positiveDays + 1 : 0;
      reached = positiveDays >= TTV_WINDOW_DAYS;
    }
    if (reached) {
      return { firstValueAt: at, rule: targeted.length > 0 ? 'TARGETS_MET' : 'BENEFIT_POSITIVE', ttvDays: (end - input.kickoffAt.getTime()) / DAY_MS };
    }
  }
  return null;
}
