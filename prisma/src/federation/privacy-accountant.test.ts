// The Rényi DP accountant against hand-worked examples, and the budget stopping training.
import { describe, expect, it } from 'vitest';
import { privacySpent, rdpAt, roundsWithinBudget } from './privacy-accountant.ts';

describe('privacy accountant', () => {
  it('gives one Gaussian release at σ = 1 and δ = 1e-5 the ε worked by hand', () => {
    // RDP(α) = α / 2; ε(α) = α / 2 + ln(1e5) / (α − 1) is least on the grid at α = 5.8:
    // 2.9 + 11.512925 / 4.8 = 2.9 + 2.398526 = 5.298526 (α = 5.7 gives 5.299559, α = 5.9 gives 5.299577).
    const spent = privacySpent([{ noiseMultiplier: 1, count: 1 }], 1e-5);
    expect(spent.order).toBe(5.8);
    expect(spent.epsilon).toBeCloseTo(5.298526, 5);
  });

  it('composes rounds by adding their RDP', () => {
    // 84 rounds at σ = 16 and one histogram at σ = 8: RDP(α) = 84α/512 + α/128 = 0.171875 α;
    // least at α = 9.2: 1.58125 + 11.512925 / 8.2 = 1.58125 + 1.404015 = 2.985265.
    const releases = [
      { noiseMultiplier: 16, count: 84 },
      { noiseMultiplier: 8, count: 1 },
    ];
    expect(rdpAt(releases, 2)).toBeCloseTo(0.34375, 10);
    const spent = privacySpent(releases, 1e-5);
    expect(spent.order).toBe(9.2);
    expect(spent.epsilon).toBeCloseTo(2.985265, 5);
  });

  it('stops training at the budget: the round that would pass ε is not planned', () => {
    // An 85th round: RDP 0.173828 α, least at α = 9.1: 1.581836 + 1.421349 = 3.003185 > 3.
    expect(
      privacySpent(
        [
          { noiseMultiplier: 16, count: 85 },
          { noiseMultiplier: 8, count: 1 },
        ],
        1e-5,
      ).epsilon,
    ).toBeCloseTo(3.003185, 5);
    expect(roundsWithinBudget({ epsilon: 3, delta: 1e-5 }, { noiseMultiplier: 16 }, { noiseMultiplier: 8 }, 1_000)).toBe(84);
    expect(roundsWithinBudget({ epsilon: 3, delta: 1e-5 }, { noiseMultiplier: 16 }, { noiseMultiplier: 8 }, 50)).toBe(50);
    expect(roundsWithinBudget({ epsilon: 0.5, delta: 1e-5 }, { noiseMultiplier: 1 }, { noiseMultiplier: 8 }, 100)).toBe(0);
  });

  it('spends nothing without a release, and refuses a δ outside (0, 1)', () => {
    expect(privacySpent([{ noiseMultiplier: 2, count: 0 }], 1e-5).epsilon).toBe(0);
    expect(() => privacySpent([{ noiseMultiplier: 2, count: 1 }], 0)).toThrow(RangeError);
  });
});
