// The core's half of federated training, as pure functions: each round averages the sites' noised
// gradients (every site weighs the same, so no site's row count is needed) and takes one Adam step
// with the average (FedAdam, Reddi et al. 2021; post-processing, so it costs no privacy); the last
// release sums the sites' noised score histograms, from which the decision threshold (best F1)
// and the AUC are read. The model is a logistic regression on the spec's [-1, 1] features: the
// weights' last entry is the bias.

export interface FederatedState {
  weights: number[];
  /** Adam's first and second moments, and its step count. */
  m: number[];
  v: number[];
  step: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

export function initialState(features: number): FederatedState {
  const zeros = () => Array.from({ length: features + 1 }, () => 0);
  return { weights: zeros(), m: zeros(), v: zeros(), step: 0 };
}

/** One Adam step with the mean of the sites' gradients (each of length features + 1). */
export function applyRound(state: FederatedState, gradients: readonly (readonly number[])[], learningRate: number): FederatedState {
  if (gradients.length === 0) throw new RangeError('a round needs at least one site');
  const d = state.weights.length;
  const mean = Array.from({ length: d }, (_, j) => gradients.reduce((total, g) => total + g[j]!, 0) / gradients.length);
  const step = state.step + 1;
  const m = state.m.map((mj, j) => BETA1 * mj + (1 - BETA1) * mean[j]!);
  const v = state.v.map((vj, j) => BETA2 * vj + (1 - BETA2) * mean[j]! * mean[j]!);
  const weights = state.weights.map((w, j) => {
    const mHat = m[j]! / (1 - BETA1 ** step);
    const vHat = v[j]! / (1 - BETA2 ** step);
    return w - (learningRate * mHat) / (Math.sqrt(vHat) + EPS);
  });
  return { weights, m, v, step };
}

/** Bin of a score in [0, 1] among `bins` equal bins. */
export const binOf = (score: number, bins: number) => Math.min(bins - 1, Math.max(0, Math.floor(score * bins)));

export interface HistogramDecision {
  /** Score at or above which a row is flagged: a bin's lower edge. */
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  /** The noised row counts the figures come from. */
  positives: number;
  negatives: number;
}

/**
 * Sums the sites' noised histograms (each `2 · bins` counts: normal rows' bins, then failures'),
 * clamps the sums at zero, and reads the best-F1 threshold and the AUC from them.
 */
export function decideFromHistograms(histograms: readonly (readonly number[])[], bins: number): HistogramDecision {
  const sum = (offset: number) =>
    Array.from({ length: bins }, (_, b) =>
      Math.max(
        0,
        histograms.reduce((t, h) => t + h[offset + b]!, 0),
      ),
    );
  const negative = sum(0);
  const positive = sum(bins);
  const negatives = negative.reduce((a, b) => a + b, 0);
  const positives = positive.reduce((a, b) => a + b, 0);
  let best = { threshold: 0.5, precision: 0, recall: 0, f1: 0 };
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let b = bins - 1; b >= 0; b -= 1) {
    // Pairs in the same bin count half, as ties.
    auc += positive[b]! * (fp + negative[b]! / 2);
    tp += positive[b]!;
    fp += negative[b]!;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = positives > 0 ? tp / positives : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > best.f1) best = { threshold: b / bins, precision, recall, f1 };
  }
  return { ...best, auc: positives > 0 && negatives > 0 ? 1 - auc / (positives * negatives) : 0.5, positives, negatives };
}
