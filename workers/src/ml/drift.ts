// Drift statistics of one feature against its reference profile: the population stability index
// over the reference's 10 quantile bins, the two-sample Kolmogorov-Smirnov statistic with its
// asymptotic p-value, and a two-sided CUSUM across checks for slow shifts that windowed tests miss.
import { binOf, type FeatureProfile } from './profile.ts';

/** Shares below this count as this, so an empty bin does not make PSI infinite. */
const SHARE_FLOOR = 1e-4;

/** PSI = Σ (actual − expected) · ln(actual / expected) over the reference's bins. */
function psiOfCounts(shares: readonly number[], counts: Float64Array, n: number): number {
  let total = 0;
  shares.forEach((expectedShare, b) => {
    const expected = Math.max(expectedShare, SHARE_FLOOR);
    const actual = Math.max(counts[b]! / Math.max(n, 1), SHARE_FLOOR);
    total += (actual - expected) * Math.log(actual / expected);
  });
  return total;
}

/** Kolmogorov's Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²): the asymptotic P(D·√(nm/(n+m)) > λ). */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k += 1) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

const ksPValue = (d: number, n: number, m: number) => kolmogorovQ(d * Math.sqrt((n * m) / (n + m)));

export interface FeatureDrift {
  psi: number;
  ks: number;
  pValue: number;
  mean: number;
}

/**
 * PSI, KS (with p-value) and the mean of a large recent sample against a feature's reference, in
 * one pass and without sorting the sample: each value is counted into the reference's bins (PSI)
 * and between the reference sample's distinct values (binary search). The two ECDFs differ most
 * just below or at a reference value, so those counts give the exact KS statistic: the same as
 * merge of both sorted samples, in O(n log m) for n values against m reference values.
 */
export function featureDrift(reference: Pick<FeatureProfile, 'edges' | 'shares' | 'sample'>, values: ArrayLike<number>): FeatureDrift {
  const n = values.length;
  const sortedReference = Float64Array.from(reference.sample).sort();
  const distinct: number[] = [];
  const atOrBelow: number[] = [];
  sortedReference.forEach((r, i) => {
    if (distinct.at(-1) !== r) distinct.push(r);
    atOrBelow[distinct.length - 1] = i + 1;
  });
  const k = distinct.length;
  const between = new Float64Array(k + 1);
  const equal = new Float64Array(k);
  const bins = new Float64Array(reference.shares.length);
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    const v = values[i]!;
    sum += v;
    bins[binOf(reference.edges, v)]! += 1;
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo < k && distinct[lo] === v) equal[lo]! += 1;
    else between[lo]! += 1;
  }
  const m = sortedReference.length;
  let below = 0;
  let d = 0;
  for (let j = 0; j < k; j += 1) {
    below += between[j]!;
    const refBelow = j === 0 ? 0 : atOrBelow[j - 1]!;
    d = Math.max(d, Math.abs(below / n - refBelow / m));
    below += equal[j]!;
    d = Math.max(d, Math.abs(below / n - atOrBelow[j]! / m));
  }
  return { psi: psiOfCounts(reference.shares, bins, n), ks: d, pValue: ksPValue(d, n, m), mean: sum / n };
}

/** Where a feature's two-sided CUSUM stands after the drift checks so far. */
export interface CusumState {
  high: number;
  low: number;
}

/**
 * One step of a two-sided tabular CUSUM across successive drift checks: `shift` is the window's
 * mean minus the reference mean, in reference standard deviations; `slack` is the shift ignored per
 * check. Small shifts that persist accumulate until one side passes `threshold`, which windowed tests
 * comparing a single window with the reference miss.
 */
export function cusumStep(previous: CusumState, shift: number, slack: number, threshold: number): CusumState & { alarm: boolean } {
  const high = Math.max(0, previous.high + shift - slack);
  const low = Math.max(0, previous.low - shift - slack);
  return { high, low, alarm: high > threshold || low > threshold };
}
