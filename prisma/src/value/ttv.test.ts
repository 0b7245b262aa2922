// TTV on hand-worked examples: the day every gated KPI's 7-day average meets its target, a KPI
// not gated left out, and the 7-days-of-positive-benefit rule when no gated KPI has a target.
import { describe, expect, it } from 'vitest';
import { firstValue } from './ttv.ts';

const DAY = 86_400_000;
const kickoffAt = new Date('2026-03-01T00:00:00Z');
const day = (n: number, hour = 12) => new Date(kickoffAt.getTime() + n * DAY + hour * 3_600_000);
const kpi = (over: object) => ({
  id: 'k',
  name: 'k',
  direction: 'LOWER_IS_BETTER' as const,
  baseline: 10,
  target: 7 as number | null,
  valuePerUnit: 100,
  windowDays: 30,
  gated: true,
  measurements: [] as { at: Date; value: number }[],
  ...over,
});

describe('time to value', () => {
  it('is the end of the first day on which the 7-day average of every gated KPI meets its target', () => {
    // Downtime (lower is better, target 7): 9 on days 0-9, then 5 from day 10. The 7-day window
    // ending at the end of day d holds days d-6..d: average (9·(16-d) + 5·(d-9)) / 7 ≤ 7 first at d = 13
    // (9·3 + 5·4 = 47 → 6.71; d = 12 gives 9·4 + 5·3 = 51 → 7.29).
    const downtime = kpi({ measurements: Array.from({ length: 30 }, (_, n) => ({ at: day(n), value: n < 10 ? 9 : 5 })) });
    // OEE (higher is better, target 75) meets it from day 5 on; it does not hold TTV back.
    const oee = kpi({
      id: 'o',
      direction: 'HIGHER_IS_BETTER',
      baseline: 70,
      target: 75,
      measurements: Array.from({ length: 30 }, (_, n) => ({ at: day(n), value: n < 5 ? 70 : 80 })),
    });
    // Not gated and never on target: left out.
    const energy = kpi({ id: 'e', gated: false, target: 1, measurements: [{ at: day(1), value: 9 }] });
    const result = firstValue({ kickoffAt, kpis: [downtime, oee, energy] }, day(40));
    expect(result).toEqual({ firstValueAt: new Date(kickoffAt.getTime() + 14 * DAY), rule: 'TARGETS_MET', ttvDays: 14 });
  });

  it('has not come while any gated KPI misses its target or has no measurements in the window', () => {
    const met = kpi({ measurements: [{ at: day(2), value: 5 }] });
    const silent = kpi({ id: 's', direction: 'HIGHER_IS_BETTER', target: 1, measurements: [] });
    expect(firstValue({ kickoffAt, kpis: [met, silent] }, day(20))).toBeNull();
    // Only in time: not before `now`.
    expect(firstValue({ kickoffAt, kpis: [met] }, day(2, 0))).toBeNull();
  });

  it('without targets, is the 7th day in a row with realised benefit above zero', () => {
    // Baseline 10, lower is better. 8 on day 3 makes days 3-7 positive (5 days); 13 on day 8 turns
    // the 7-day average negative (10.5) until it leaves the window; 9 from day 12 on: day 14's window
    // (days 8-14) averages (13 + 3·9) / 4 = 10, no benefit; days 15..21 are the first 7 positive days
    // in a row → the end of day 21, 22 days after kickoff.
    const noTarget = kpi({
      target: null,
      measurements: [{ at: day(3), value: 8 }, { at: day(8), value: 13 }, ...Array.from({ length: 20 }, (_, n) => ({ at: day(12 + n), value: 9 }))],
    });
    expect(firstValue({ kickoffAt, kpis: [noTarget] }, day(40))).toEqual({
      firstValueAt: new Date(kickoffAt.getTime() + 22 * DAY),
      rule: 'BENEFIT_POSITIVE',
      ttvDays: 22,
    });
  });

  it('counts plant-local days: in Berlin the first day of value ends at local midnight, across the spring change', () => {
    // Kickoff 1 March 2026 00:00 UTC is 01:00 in Berlin; measurements meet the target from the start.
    const met = kpi({ measurements: Array.from({ length: 40 }, (_, n) => ({ at: day(n), value: 5 })) });
    const berlin = firstValue({ kickoffAt, timeZone: 'Europe/Berlin', kpis: [met] }, day(40));
    expect(berlin!.firstValueAt.toISOString()).toBe('2026-03-01T23:00:00.000Z');
    // Tokyo is 9 hours ahead: 1 March 09:00 local, its day ends at 15:00 UTC.
    expect(firstValue({ kickoffAt, timeZone: 'Asia/Tokyo', kpis: [met] }, day(40))!.firstValueAt.toISOString()).toBe('2026-03-01T15:00:00.000Z');
  });
});
