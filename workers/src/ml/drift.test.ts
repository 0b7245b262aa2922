// The drift statistics against values computed independently here, for known distributions.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { cusumStep, featureDrift, kolmogorovQ } from './drift.ts';
import { referenceProfile } from './profile.ts';

const random = seededRandom(99);
const normal = (mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const sample = (n: number, mean: number, sd = 1) => Float64Array.from({ length: n }, () => normal(mean, sd)).sort();

describe('drift statistics', () => {
  it('PSI over the reference deciles matches the textbook sum, and is ~0 for the same distribution', () => {
    const reference = sample(5_000, 0);
    const [profile] = referenceProfile(
      ['x'],
      Array.from(reference, (v) => Float64Array.of(v)),
    );
    const shifted = sample(5_000, 0.5);
    // Independent: count by the edges with a plain search, then Σ (a − e) ln(a / e).
    const counts = new Array(10).fill(0);
    for (const v of shifted) {
      let bin = profile!.edges.slice(1, -1).findIndex((edge) => v <= edge);
      if (bin < 0) bin = 9;
      counts[bin] += 1;
    }
    const expected = counts.reduce((s, c, b) => s + (c / shifted.length - profile!.shares[b]!) * Math.log(c / shifted.length / profile!.shares[b]!), 0);
    expect(featureDrift(profile!, shifted).psi).toBeCloseTo(expected, 10);
    expect(featureDrift(profile!, shifted).psi).toBeGreaterThan(0.2);
    expect(featureDrift(profile!, sample(5_000, 0)).psi).toBeLessThan(0.02);
  });

  it('KS statistic equals the brute-force supremum and its p-value the asymptotic Kolmogorov formula', () => {
    const [profile] = referenceProfile(
      ['x'],
      Array.from(sample(2_000, 0.5), (v) => Float64Array.of(v)),
    );
    const b = Float64Array.from(profile!.sample);
    const a = sample(400, 0);
    const cdf = (s: Float64Array, x: number) => s.filter((v) => v <= x).length / s.length;
    const brute = Math.max(...[...a, ...b].map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
    const { ks, pValue } = featureDrift(profile!, a);
    expect(ks).toBeCloseTo(brute, 12);
    const lambda = brute * Math.sqrt((a.length * b.length) / (a.length + b.length));
    let series = 0;
    for (let k = 1; k < 200; k += 1) series += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
    expect(pValue).toBeCloseTo(series, 10);
    expect(pValue).toBeLessThan(0.01);
    expect(featureDrift(profile!, sample(400, 0.5)).pValue).toBeGreaterThan(0.01);
    // Known quantiles of the Kolmogorov distribution: Q(1.36) ≈ 0.049, Q(1.63) ≈ 0.0098.
    expect(kolmogorovQ(1.36)).toBeCloseTo(0.0494, 3);
    expect(kolmogorovQ(1.63)).toBeCloseTo(0.0098, 3);
  });

  it('CUSUM across checks catches a slow drift that each window alone keeps below the PSI threshold', () => {
    const [profile] = referenceProfile(
      ['x'],
      Array.from(sample(5_000, 0), (v) => Float64Array.of(v)),
    );
    let state = { high: 0, low: 0, alarm: false };
    let steady = { high: 0, low: 0, alarm: false };
    const alarms: number[] = [];
    for (let day = 1; day <= 12; day += 1) {
      const window = sample(1_000, 0.03 * day); // a third of a standard deviation after eleven days
      expect(featureDrift(profile!, window).psi).toBeLessThan(0.25);
      const mean = window.reduce((a, b) => a + b, 0) / window.length;
      state = cusumStep(state, (mean - profile!.mean) / profile!.std, 0.05, 1);
      if (state.alarm) alarms.push(day);
      const calm = sample(1_000, 0);
      steady = cusumStep(steady, (calm.reduce((a, b) => a + b, 0) / calm.length - profile!.mean) / profile!.std, 0.05, 1);
      expect(steady.alarm).toBe(false);
    }
    expect(alarms[0]).toBeGreaterThan(3);
    expect(alarms[0]).toBeLessThanOrEqual(12);
  });

  it('counts ties and values outside the reference like the brute-force definitions, in any order', () => {
    // Rounded values make ties within and between the samples; some lie outside the reference.
    const rounded = (x: Float64Array) => x.map((v) => Math.round(v * 4) / 4);
    const [profile] = referenceProfile(
      ['x'],
      Array.from(rounded(sample(2_000, 0)), (v) => Float64Array.of(v)),
    );
    const b = Float64Array.from(profile!.sample);
    const cdf = (s: ArrayLike<number>, x: number) => Array.from(s).filter((v) => v <= x).length / s.length;
    for (const shift of [0, 0.2, 3]) {
      const recent = Float32Array.from(rounded(sample(3_000, shift)).reverse());
      const brute = Math.max(...[...recent, ...b].map((x) => Math.abs(cdf(recent, x) - cdf(b, x))));
      const drift = featureDrift(profile!, recent);
      expect(drift.ks).toBeCloseTo(brute, 12);
      expect(drift.mean).toBeCloseTo(recent.reduce((s, v) => s + v, 0) / recent.length, 9);
    }
  });
});
