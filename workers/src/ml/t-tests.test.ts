// The t distribution against published table values, and both tests against hand-worked examples.
import { describe, expect, it } from 'vitest';
import { logGamma, pairedTest, regularizedBeta, sampleOf, studentQuantile, studentTwoSided, welchTest } from './t-tests.ts';

describe('Student t', () => {
  it('matches the t table and the normal limit', () => {
    // Two-sided 5 % critical values: df 1, 10, 30, and ~normal at df 1e6.
    expect(studentTwoSided(12.706205, 1)).toBeCloseTo(0.05, 6);
    expect(studentTwoSided(2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(studentTwoSided(2.042272, 30)).toBeCloseTo(0.05, 6);
    expect(studentTwoSided(1.959964, 1e6)).toBeCloseTo(0.05, 5);
    expect(studentTwoSided(3.169273, 10)).toBeCloseTo(0.01, 6);
    expect(studentTwoSided(0, 5)).toBe(1);
    expect(studentQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentQuantile(0.995, 4)).toBeCloseTo(4.604095, 5);
  });

  it('has the incomplete beta and log-gamma of closed forms', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedBeta(0.7, 3, 1)).toBeCloseTo(0.343, 12);
    expect(regularizedBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 12);
  });
});

describe('the tests experiments state', () => {
  it("Welch's test matches the worked example", () => {
    // Welch's t-test, Wikipedia's example 1: t = −2.46 (first minus second), df ≈ 24.99, p ≈ 0.021.
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTest(sampleOf(a2), sampleOf(a1));
    expect(r.t).toBeCloseTo(-2.46, 2);
    expect(r.df).toBeCloseTo(24.99, 2);
    expect(r.pValue).toBeCloseTo(0.021, 3);
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(r.difference).toBeCloseTo(mean(a1) - mean(a2), 12);
    expect(r.ci95[0]).toBeLessThan(r.difference);
    expect(r.ci95[1]).toBeLessThan(0);
    expect((r.ci95[1] - r.ci95[0]) / 2).toBeCloseTo(studentQuantile(0.975, r.df) * r.standardError, 12);
  });

  it('the paired test is a one-sample test of the differences', () => {
    // Differences −1..3: mean 1, sd √2.5, t = 1 / (√2.5/√5) = √2, df 4.
    const r = pairedTest([-1, 0, 1, 2, 3]);
    expect(r.t).toBeCloseTo(Math.SQRT2, 12);
    expect(r.df).toBe(4);
    expect(r.pValue).toBeCloseTo(0.2302, 4);
    // Without spread a difference is certain; none at all is no evidence.
    expect(pairedTest([0.5, 0.5, 0.5]).pValue).toBe(0);
    expect(pairedTest([0, 0, 0]).pValue).toBe(1);
  });
});
