import { describe, expect, it } from 'vitest';
import { featureNames, featureParts, featureSpecSchema, type FeatureSpec } from '@threadline/db/models/feature-spec';
import { computeFeatures, gridEnds, scorable } from './features.ts';

const spec: FeatureSpec = {
  version: 1,
  windowSeconds: 60,
  stepSeconds: 10,
  aggregates: ['mean', 'std', 'min', 'max', 'last', 'slope'],
  signals: [
    { name: 'a', unit: 'mm/s', min: 0, max: 10 },
    { name: 'b', unit: null, min: null, max: null },
  ],
  reference: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
};

describe('features', () => {
  it('puts window ends on the grid after a start, up to and including the last', () => {
    expect(gridEnds(spec, 5_000, 40_000)).toEqual([10_000, 20_000, 30_000, 40_000]);
    expect(gridEnds(spec, 10_000, 19_999)).toEqual([]);
  });

  it('aggregates the points in (end - window, end], with the slope per minute', () => {
    // a rises 1 per 10 s (6 per minute) from t = 10 s; b has no points and takes its reference.
    const a = {
      t: [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000],
      v: [1, 2, 3, 4, 5, 6, 7],
      r: [11_000, 21_000, 31_000, 41_000, 51_000, 61_000, 71_000],
    };
    const [row] = computeFeatures(spec, new Map([['a', a]]), [70_000]);
    const [mean, std, min, max, last, slope] = row!.values.slice(0, 6);
    expect([mean, min, max, last]).toEqual([4.5, 2, 7, 7]);
    expect(std).toBeCloseTo(Math.sqrt(35 / 12), 12);
    expect(slope).toBeCloseTo(6, 12);
    expect([...row!.values.slice(6)]).toEqual([7, 8, 9, 10, 11, 12]);
    expect(row!.coverage).toBe(0);
    expect([row!.earliestReceived, row!.latestReceived, row!.points]).toEqual([21_000, 71_000, 6]);
  });

  it('scores only windows every signal covers for at least half their width', () => {
    const series = (from: number) => ({ t: [from, 70_000], v: [1, 1] });
    const [short] = computeFeatures(
      spec,
      new Map([
        ['a', series(20_000)],
        ['b', series(45_000)],
      ]),
      [70_000],
    );
    const [wide] = computeFeatures(
      spec,
      new Map([
        ['a', series(20_000)],
        ['b', series(35_000)],
      ]),
      [70_000],
    );
    expect([short!.coverage, scorable(short!)]).toEqual([25_000 / 60_000, false]);
    expect(scorable(wide!)).toBe(true);
  });

  it('computes derived features after the aggregates, as the spec declares them, and names them with their units', () => {
    const derived: FeatureSpec = {
      ...spec,
      aggregates: ['mean', 'max'],
      derived: [
        { op: 'product', left: 'a.mean', right: 'b.mean' },
        { op: 'ratio', left: 'a.max', right: 'b.max' },
        { op: 'difference', left: 'a.max', right: 'a.mean' },
        { op: 'sum', left: 'a.mean', right: 'b.max' },
      ],
      reference: [1, 2, 3, 4, 0, 0, 0, 0],
    };
    expect(featureSpecSchema.safeParse(derived).success).toBe(true);
    const a = { t: [20_000, 40_000, 60_000], v: [2, 4, 6] };
    const b = { t: [20_000, 40_000, 60_000], v: [0, 0, 0] };
    const [row] = computeFeatures(
      derived,
      new Map([
        ['a', a],
        ['b', b],
      ]),
      [60_000],
    );
    // a.mean 4, a.max 6, b.mean 0, b.max 0: the ratio over a zero denominator is 0.
    expect([...row!.values]).toEqual([4, 6, 0, 0, 0, 0, 2, 4]);
    expect(featureNames(derived).slice(4)).toEqual(['a.mean*b.mean', 'a.max/b.max', 'a.max-a.mean', 'a.mean+b.max']);
    expect([4, 5, 6, 7].map((i) => featureParts(derived, i).unit)).toEqual(['mm/s', 'mm/s', 'mm/s', null]);
    expect(featureParts(derived, 4)).toMatchObject({ signal: 'a.mean*b.mean', aggregate: 'product' });
  });

  it('one-hot encodes a state signal at the window end and an asset attribute, unseen values setting nothing, before the derived features', () => {
    const categorical: FeatureSpec = {
      ...spec,
      aggregates: ['mean'],
      categorical: [
        { source: 'SIGNAL', name: 'grade', categories: ['1', '2', '3'] },
        { source: 'ASSET', name: 'variant', categories: ['A', 'B'] },
      ],
      derived: [{ op: 'product', left: 'a.mean', right: 'b.mean' }],
      reference: [0, 0, 0, 0, 0, 0, 0, 0],
    };
    expect(featureSpecSchema.safeParse(categorical).success).toBe(true);
    expect(featureNames(categorical)).toEqual(['a.mean', 'b.mean', 'grade=1', 'grade=2', 'grade=3', 'asset.variant=A', 'asset.variant=B', 'a.mean*b.mean']);
    expect(featureParts(categorical, 3)).toEqual({ signal: 'grade=2', aggregate: 'category', unit: null });
    // The grade was set to 2 long before the first window and holds until it changes to 3, then to 9 (unseen).
    const series = new Map([
      ['a', { t: [20_000, 40_000, 60_000, 120_000, 180_000], v: [2, 2, 2, 2, 2] }],
      ['b', { t: [20_000, 40_000, 60_000, 120_000, 180_000], v: [3, 3, 3, 3, 3] }],
      ['grade', { t: [-500_000, 100_000, 150_000], v: [2, 3, 9] }],
    ]);
    const rows = computeFeatures(categorical, series, [60_000, 120_000, 180_000], new Map([['variant', 'B']]));
    expect(rows.map((r) => [...r.values])).toEqual([
      [2, 3, 0, 1, 0, 0, 1, 6],
      [2, 3, 0, 0, 1, 0, 1, 6],
      [2, 3, 0, 0, 0, 0, 1, 6],
    ]);
    // Categorical inputs do not count towards coverage or points; an unknown variant sets nothing either.
    expect(rows[0]!.points).toBe(6);
    const [unknown] = computeFeatures(categorical, series, [60_000], new Map([['variant', 'C']]));
    expect([...unknown!.values.slice(2, 7)]).toEqual([0, 1, 0, 0, 0]);
  });

  it('refuses a spec whose derived features name no feature, repeat, or lack their reference values', () => {
    const problems = (derived: FeatureSpec['derived'], reference: number[]) =>
      featureSpecSchema.safeParse({ ...spec, aggregates: ['mean'], derived, reference }).error?.issues.map((i) => i.message) ?? [];
    expect(problems([{ op: 'sum', left: 'a.mean', right: 'c.mean' }], [0, 0, 0])).toEqual(['each derived feature combines two aggregates of the spec, once']);
    const twice = { op: 'sum', left: 'a.mean', right: 'b.mean' } as const;
    expect(problems([twice, twice], [0, 0, 0, 0])).toEqual(['each derived feature combines two aggregates of the spec, once']);
    expect(problems([twice], [0, 0])).toEqual(['reference needs one value per feature (signals × aggregates, one per category, then one per derived feature)']);
  });
});
