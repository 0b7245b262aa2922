// The simulator's scenario is reproducible from its seed and shows each injected fault.
import { describe, expect, it } from 'vitest';
import { Scenario, SCENARIO_PERIOD_MS, type SimSignal } from './scenario.ts';

const vibration = (asset: string): SimSignal => ({
  site: 'LEJ',
  assetCode: asset,
  property: 'spindle_vibration',
  protocol: 'OPC_UA',
  address: `ns=1;s=${asset}.spindle_vibration`,
  min: 0,
  max: 7.1,
});
const start = Date.UTC(2026, 10, 23, 0, 0, 0);

describe('simulator scenario', () => {
  it('gives the same values for the same seed and other values for another seed', () => {
    const times = Array.from({ length: 50 }, (_, i) => start + i * 1000);
    const a = times.map((t) => new Scenario(42).read(vibration('LEJ-L1-CNC01'), t).value);
    const b = times.map((t) => new Scenario(42).read(vibration('LEJ-L1-CNC01'), t).value);
    const c = times.map((t) => new Scenario(43).read(vibration('LEJ-L1-CNC01'), t).value);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('keeps a healthy spindle inside its normal range', () => {
    const scenario = new Scenario(42);
    const values = Array.from({ length: 2000 }, (_, i) => scenario.read(vibration('LEJ-L1-CNC01'), start + i * 17_000).value);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(7.1);
  });

  it('degrades the faulty spindle past its range, stops it, and starts it again after repair', () => {
    const scenario = new Scenario(42);
    const at = (share: number) => scenario.read(vibration('LEJ-L1-CNC02'), start - (start % SCENARIO_PERIOD_MS) + share * SCENARIO_PERIOD_MS);
    expect(at(0.05).value).toBeLessThan(at(0.7).value);
    expect(at(0.74).value).toBeGreaterThan(7.1);
    expect(at(0.76)).toEqual({ value: 0, down: true });
    expect(at(0.9).down).toBe(false);
    expect(at(0.9).value).toBeLessThan(7.1);
  });
});
