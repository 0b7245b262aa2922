// ROI, payback and NPV on hand-worked examples (DESIGN §2): a lower-is-better KPI that pays back, a
// use case that never pays back, one without targets, and realised figures from measurements.
import { describe, expect, it } from 'vitest';
import { computeRoi, roiNow, type RoiCost, type RoiKpi } from './roi.ts';

const kickoffAt = new Date('2026-01-01T00:00:00Z');
const downtime: RoiKpi = {
  id: 'k1',
  name: 'Unplanned downtime',
  direction: 'LOWER_IS_BETTER',
  baseline: 40,
  target: 25,
  valuePerUnit: 1_000,
  windowDays: 30,
  measurements: [],
};
const setup: RoiCost = {
  id: 'c1',
  name: 'Sensors and integration',
  kind: 'ONE_TIME',
  amount: 60_000,
  startsAt: new Date('2025-12-15T00:00:00Z'),
  endsAt: null,
};
const run: RoiCost = { id: 'c2', name: 'Cloud and support', kind: 'MONTHLY', amount: 3_000, startsAt: kickoffAt, endsAt: null };

describe('ROI as DESIGN §2 defines it', () => {
  it('projects a lower-is-better KPI from its target: payback in month 5, ROI and NPV as worked by hand', () => {
    // 40 h → 25 h a month at 1,000 €/h: 15,000 € a month. Costs: 60,000 € once (before kickoff: month 1) and 3,000 € a month.
    const f = computeRoi({ kickoffAt, discountRateAnnual: 0.12, kpis: [downtime], costs: [setup, run], months: 12 }, 'PROJECTED');
    expect(f.monthlyBenefit).toBe(15_000);
    expect(f.cumulativeBenefit).toBe(180_000);
    expect(f.cumulativeCost).toBe(96_000);
    expect(f.roi).toBeCloseTo(84_000 / 96_000, 12);
    // 15,000 m ≥ 60,000 + 3,000 m first at m = 5.
    expect(f.paybackMonth).toBe(5);
    expect(f.months[3]).toMatchObject({ month: 4, cumulativeBenefit: 60_000, cumulativeCost: 72_000 });
    // NPV at 1 % a month: −48,000 / 1.01 + 12,000 × Σ_{m=2..12} 1.01^−m = −47,524.75 + 123,179.78.
    expect(f.npv).toBeCloseTo(75_655.03, 1);
    expect(f.kpis).toEqual([{ kpiId: 'k1', name: 'Unplanned downtime', improvement: 15, benefitPerMonth: 15_000, note: null }]);
    expect(f.costs).toEqual([
      { costItemId: 'c1', name: 'Sensors and integration', total: 60_000 },
      { costItemId: 'c2', name: 'Cloud and support', total: 36_000 },
    ]);
  });

  it('reports payback never reached, with ROI below zero', () => {
    const small = { ...downtime, target: 38 }; // 2 h a month: 2,000 €, less than the 3,000 € it costs to run
    const f = computeRoi({ kickoffAt, discountRateAnnual: 0.08, kpis: [small], costs: [run], months: 12 }, 'PROJECTED');
    expect(f.paybackMonth).toBeNull();
    expect(f.roi).toBeCloseTo((24_000 - 36_000) / 36_000, 12);
    expect(f.npv).toBeLessThan(0);
  });

  it('projects nothing for a KPI without a target, and says so', () => {
    const f = computeRoi({ kickoffAt, discountRateAnnual: 0.08, kpis: [{ ...downtime, target: null }], costs: [run], months: 6 }, 'PROJECTED');
    expect(f.cumulativeBenefit).toBe(0);
    expect(f.roi).toBe(-1);
    expect(f.paybackMonth).toBeNull();
    expect(f.kpis[0]).toMatchObject({ improvement: null, benefitPerMonth: 0, note: 'no target: projects nothing' });
    expect(computeRoi({ kickoffAt, discountRateAnnual: 0.08, kpis: [], costs: [], months: 3 }, 'PROJECTED').roi).toBeNull();
  });

  it('realises a higher-is-better KPI from the average of its measurements over the window ending each month', () => {
    // OEE 0.60 → measured; 200,000 € per unit (per 1.0 of OEE) a month.
    const oee: RoiKpi = {
      id: 'k2',
      name: 'OEE',
      direction: 'HIGHER_IS_BETTER',
      baseline: 0.6,
      target: null,
      valuePerUnit: 200_000,
      windowDays: 30,
      measurements: [
        { at: new Date('2026-01-15T00:00:00Z'), value: 0.62 },
        { at: new Date('2026-01-25T00:00:00Z'), value: 0.66 },
        { at: new Date('2026-02-10T00:00:00Z'), value: 0.7 },
      ],
    };
    const f = computeRoi({ kickoffAt, discountRateAnnual: 0, kpis: [oee], costs: [run], months: 3 }, 'REALISED');
    // Month 1 (window to 1 Feb): (0.62 + 0.66) / 2 = 0.64 → 0.04 × 200,000 = 8,000.
    // Month 2 (window 30 Jan – 1 Mar): 0.70 → 20,000. Month 3 (window to 1 Apr): nothing measured → 0.
    expect(f.months.map((m) => Math.round(m.benefit))).toEqual([8_000, 20_000, 0]);
    expect(f.cumulativeBenefit).toBeCloseTo(28_000, 6);
    expect(f.paybackMonth).toBe(1);
    expect(f.npv).toBeCloseTo(28_000 - 9_000, 6);
    expect(f.kpis[0]).toMatchObject({ improvement: null, note: 'no measurement in the last 30 days' });
  });

  it('counts a monthly cost only while it runs', () => {
    const pilot: RoiCost = { ...run, startsAt: new Date('2026-02-01T00:00:00Z'), endsAt: new Date('2026-04-01T00:00:00Z') };
    const f = computeRoi({ kickoffAt, discountRateAnnual: 0, kpis: [], costs: [pilot], months: 6 }, 'REALISED');
    expect(f.months.map((m) => m.cost)).toEqual([0, 3_000, 3_000, 0, 0, 0]);
  });

  it('ends realised figures now: the running month averages the window up to now, not up to its end', () => {
    // 10 March: the third month runs until 1 April. A measurement of 30 h on 20 February is 18 days old.
    const now = new Date('2026-03-10T00:00:00Z');
    const measured = { ...downtime, measurements: [{ at: new Date('2026-02-20T00:00:00Z'), value: 30 }] };
    const f = roiNow({ kickoffAt, discountRateAnnual: 0, kpis: [measured], costs: [] }, 'REALISED', now);
    expect(f.months).toHaveLength(3);
    // A window ending on 1 April (2-31 March) would miss it and say there was no measurement.
    expect(f.monthlyBenefit).toBe(10_000);
    expect(f.kpis).toEqual([{ kpiId: 'k1', name: 'Unplanned downtime', improvement: 10, benefitPerMonth: 10_000, note: null }]);
  });
});
