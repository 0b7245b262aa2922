// Part 13 aggregates checked against hand-worked examples.
import { describe, expect, it } from 'vitest';
import { part13Aggregates } from './part13.ts';

describe('OPC UA Part 13 aggregates (stepped)', () => {
  it('weights each value by how long it held, starting from the bounding value before the bucket', () => {
    // Bucket [0, 60 s): 10 holds from before 0 until 15 s, 20 from 15 s to 45 s, 40 from 45 s on.
    // TWA = (10·15 + 20·30 + 40·15) / 60 = (150 + 600 + 600) / 60 = 22.5
    const samples = [
      { time: -5_000, value: 10, good: true },
      { time: 15_000, value: 20, good: true },
      { time: 45_000, value: 40, good: true },
    ];
    const [bucket] = part13Aggregates(samples, 0, 60_000, 60_000);
    expect(bucket!.timeWeightedAverage).toBeCloseTo(22.5, 12);
    expect(bucket!.percentGood).toBe(100);
    expect(bucket!.transitionCount).toBe(2);
  });

  it('leaves bad time out of the average and counts it against percent good', () => {
    // 0-30 s good 4, 30-45 s bad 1000, 45-60 s good 8: TWA = (4·30 + 8·15) / 45 = 240 / 45; good 45 of 60 s = 75 %.
    const samples = [
      { time: 0, value: 4, good: true },
      { time: 30_000, value: 1000, good: false },
      { time: 45_000, value: 8, good: true },
    ];
    const [bucket] = part13Aggregates(samples, 0, 60_000, 60_000);
    expect(bucket!.timeWeightedAverage).toBeCloseTo(240 / 45, 12);
    expect(bucket!.percentGood).toBe(75);
  });

  it('averages every quality when asked, and still counts only good time as good', () => {
    const samples = [
      { time: 0, value: 4, good: true },
      { time: 30_000, value: 1000, good: false },
      { time: 45_000, value: 8, good: true },
    ];
    const [bucket] = part13Aggregates(samples, 0, 60_000, 60_000, { includeAllQualities: true });
    expect(bucket!.timeWeightedAverage).toBeCloseTo((4 * 30 + 1000 * 15 + 8 * 15) / 60, 12);
    expect(bucket!.percentGood).toBe(75);
  });

  it('starts each bucket from the value holding at its start, however many came before', () => {
    // 1 from 0 s, 2 from 30 s, 3 from 90 s: [0, 60 s) = (1·30 + 2·30) / 60, [60, 120 s) = (2·30 + 3·30) / 60.
    const samples = [
      { time: 0, value: 1, good: true },
      { time: 30_000, value: 2, good: true },
      { time: 90_000, value: 3, good: true },
    ];
    const buckets = part13Aggregates(samples, 0, 120_000, 60_000);
    expect(buckets.map((b) => b.timeWeightedAverage)).toEqual([1.5, 2.5]);
    expect(buckets.map((b) => b.transitionCount)).toEqual([1, 1]);
  });

  it('measures time in a state and transitions per bucket', () => {
    // A machine state: 1 (running) at 0, 0 (stopped) at 40 s, 1 at 70 s, until 120 s; two 60 s buckets.
    const samples = [
      { time: 0, value: 1, good: true },
      { time: 40_000, value: 0, good: true },
      { time: 70_000, value: 1, good: true },
    ];
    const buckets = part13Aggregates(samples, 0, 120_000, 60_000, { state: 1 });
    expect(buckets.map((b) => b.timeInStateMs)).toEqual([40_000, 50_000]);
    expect(buckets.map((b) => b.transitionCount)).toEqual([1, 1]);
  });

  it('reports an empty bucket as having no average and no coverage', () => {
    const [bucket] = part13Aggregates([], 0, 60_000, 60_000);
    expect(bucket).toEqual({ start: 0, timeWeightedAverage: null, percentGood: null, timeInStateMs: 0, transitionCount: 0 });
  });
});
