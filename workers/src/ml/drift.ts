// Drift statistics of one feature against its reference profile: the population stability index
// over the reference's 10 quantile bins, the two-sample Kolmogorov-Smirnov statistic with its
// asymptotic p-value, and a two-sided CUSUM across checks for slow shifts that windowed tests miss.
import { binOf, type FeatureProfile } from './profile.ts';

/** Shares below this count as this, so an empty bin does not make PSI infinite. */
const SHARE_FLOOR = 1e-4;

/** PSI = Σ (actual − expected) · ln(actual / expected) over the reference's bins. */
export function psi(reference: Pick<FeatureProfile, 'edges' | 'shares'>, values: ArrayLike<number>): number {
  const counts = new Float64Array(reference.shares.length);
  for (let i = 0; i < values.length; i += 1) counts[binOf(reference.edges, values[i]!)]! += 1;
  let total = 0;
  reference.shares.forEach((expectedShare, b) => {
    const expected = Math.max(expectedShare, SHARE_FLOOR);
    const actual = Math.max(counts[b]! / Math.max(values.length, 1), SHARE_FLOOR);
    total += (actual - expected) * Math.log(actual / expected);
  });
  return total;
}

/** The largest distance between the empirical distribution functions of two ascending samples. */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i += 1;
    while (j < b.length && b[j]! <= x) j += 1;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
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

export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): { statistic: number; pValue: number } {
  const statistic = ksStatistic(a, b);
  return { statistic, pValue: kolmogorovQ(statistic * Math.sqrt((a.length * b.length) / (a.length + b.length))) };
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
