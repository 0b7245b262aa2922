// The core's aggregation against hand-worked examples: one Adam step, and the threshold and AUC
// read from summed histograms.
import { describe, expect, it } from 'vitest';
import { applyRound, decideFromHistograms, initialState } from './federated-averaging.ts';

describe('federated averaging', () => {
  it('takes one Adam step of the learning rate against the sign of the sites’ mean gradient', () => {
    // Mean gradient (0.2, -0.4, 0); Adam's first bias-corrected step is lr · g / (|g| + 1e-8) per coordinate.
    const next = applyRound(
      initialState(2),
      [
        [0.1, -0.2, 0.5],
        [0.3, -0.6, -0.5],
      ],
      0.1,
    );
    expect(next.weights[0]).toBeCloseTo(-0.1, 6);
    expect(next.weights[1]).toBeCloseTo(0.1, 6);
    expect(next.weights[2]).toBeCloseTo(0, 6);
    expect(next.step).toBe(1);
  });

  it('reads the best-F1 threshold and the AUC from the sites’ summed, clamped histograms', () => {
    // Four bins. Normal rows: 6, 3, 1, 0; failures: 0, 1, 2, 3 (two sites, one count noised below zero and clamped).
    const site1 = [4, 2, 1, -0.4, 0, 1, 1, 2];
    const site2 = [2, 1, 0, 0.2, 0, 0, 1, 1];
    const decision = decideFromHistograms([site1, site2], 4);
    // Normal 6, 3, 1, -0.2 → 0. At ≥ 0.5: tp 5, fp 1 → precision 5/6, recall 5/6, F1 0.8333 (≥ 0.75: 3/3, 0.5, F1 0.667).
    expect(decision.threshold).toBe(0.5);
    expect(decision.f1).toBeCloseTo(5 / 6, 10);
    // Misordered pairs (ties count half): bin 2's two failures with half of bin 2's normal (1); bin 1's failure
    // with bin 2's normal and half of bin 1's three (2.5) → 3.5 of 6 × 10.
    expect(decision.auc).toBeCloseTo(1 - 3.5 / 60, 10);
    expect(decision.positives).toBe(6);
  });
});
