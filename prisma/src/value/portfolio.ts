// Portfolio ROI: the use cases' monthly benefits and costs added up by calendar month (the month a
// use case's month starts in, UTC), then ROI, payback and NPV as DESIGN §2 over the sums. The
// portfolio's NPV is the sum of the use cases' NPVs, each discounted from its own kickoff at its
// own rate; its payback is the first calendar month where cumulative benefit ≥ cumulative cost.
import type { RoiFigures, RoiMonth } from './roi.ts';

/** What the portfolio adds up of a use case's figures. */
export type PortfolioInput = Pick<RoiFigures, 'npv'> & { months: Pick<RoiMonth, 'startsAt' | 'benefit' | 'cost'>[] };

export interface PortfolioMonth {
  /** YYYY-MM (UTC). */
  month: string;
  benefit: number;
  cost: number;
  cumulativeBenefit: number;
  cumulativeCost: number;
}

export interface PortfolioFigures {
  months: PortfolioMonth[];
  cumulativeBenefit: number;
  cumulativeCost: number;
  roi: number | null;
  npv: number;
  /** YYYY-MM of payback; null when not reached in the months counted. */
  paybackMonth: string | null;
}

const monthKey = (d: Date) => d.toISOString().slice(0, 7);

export function portfolioRoi(useCases: readonly PortfolioInput[]): PortfolioFigures {
  const byMonth = new Map<string, { benefit: number; cost: number }>();
  for (const figures of useCases) {
    for (const m of figures.months) {
      const key = monthKey(m.startsAt);
      const sum = byMonth.get(key) ?? { benefit: 0, cost: 0 };
      sum.benefit += m.benefit;
      sum.cost += m.cost;
      byMonth.set(key, sum);
    }
  }
  let cumulativeBenefit = 0;
  let cumulativeCost = 0;
  let paybackMonth: string | null = null;
  const months = [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, { benefit, cost }]) => {
      cumulativeBenefit += benefit;
      cumulativeCost += cost;
      if (paybackMonth === null && cumulativeCost > 0 && cumulativeBenefit >= cumulativeCost) paybackMonth = month;
      return { month, benefit, cost, cumulativeBenefit, cumulativeCost };
    });
  return {
    months,
    cumulativeBenefit,
    cumulativeCost,
    paybackMonth,
    roi: cumulativeCost > 0 ? (cumulativeBenefit - cumulativeCost) / cumulativeCost : null,
    npv: useCases.reduce((sum, f) => sum + f.npv, 0),
  };
}
