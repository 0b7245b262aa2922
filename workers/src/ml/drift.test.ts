// The drift statistics against values computed independently here, for known distributions.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { cusum, kolmogorovQ, ksTest, psi } from './drift.ts';
import { referenceProfile } from './profile.ts';

const random = seededRandom(99);
const normal = (mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const sample = (n: number, mean: number, sd = 1) => Float64Array.from({ length: n }, () => normal(mean, sd)).sort();

describe('drift statistics', () => {
  it('PSI over the reference deciles matches the textbook sum, and is ~0 for the same distribution', () => {
    const reference = sample(5_000, 0);
    const [profile] = referenceProfile(['x'], Array.from(reference, (v) => Float64Array.of(v)));
    const shifted = sample(5_000, 0.5);
    // Independent: count by the edges with a plain search, then Σ (a − e) ln(a / e).
    const counts = new Array(10).fill(0);
    for (const v of shifted) {
      let bin = profile!.edges.slice(1, -1).findIndex((edge) => v <= edge);
      if (bin < 0) bin = 9;
      counts[bin] += 1;
    }
    const expected = counts.reduce((s, c, b) => s + (c / shifted.length - profile!.shares[b]!) * Math.log((c / shifted.length) / profile!.shares[b]!), 0);
    expect(psi(profile!, shifted)).toBeCloseTo(expected, 10);
    expect(psi(profile!, shifted)).toBeGreaterThan(0.2);
    expect(psi(profile!, sample(5_000, 0))).toBeLessThan(0.02);
  });

  it('KS statistic equals the brute-force supremum and its p-value the asymptotic Kolmogorov formula', () => {
    const a = sample(400, 0);
    const b = sample(300, 0.3);
    const cdf = (s: Float64Array, x: number) => s.filter((v) => v <= x).length / s.length;
    const brute = Math.max(...[...a, ...b].map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
    const { statistic, pValue } = ksTest(a, b);
    expect(statistic).toBeCloseTo(brute, 12);
    const lambda = brute * Math.sqrt((400 * 300) / 700);
    let series = 0;
    for (let k = 1; k < 200; k += 1) series += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
    expect(pValue).toBeCloseTo(series, 10);
    expect(pValue).toBeLessThan(0.01);
    expect(ksTest(sample(400, 0), sample(300, 0)).pValue).toBeGreaterThan(0.01);
    // Known quantiles of the Kolmogorov distribution: Q(1.36) ≈ 0.049, Q(1.63) ≈ 0.0098.
    expect(kolmogorovQ(1.36)).toBeCloseTo(0.0494, 3);
    expect(kolmogorovQ(1.63)).toBeCloseTo(0.0098, 3);
  });

  it('CUSUM catches a slow drift of 0.3 standard deviations that stays inside the window tests', () => {
    const steady = Array.from({ length: 500 }, () => normal(0, 1));
    const drifting = Array.from({ length: 500 }, (_, i) => normal((0.6 * i) / 500, 1));
    expect(cusum(steady, 0, 1).alarm).toBe(false);
    expect(cusum(drifting, 0, 1).alarm).toBe(true);
  });
});
