// A site's half of federated training, as pure functions: what it sends the core, and nothing else.
// A gradient round sends the sum over its rows of each row's logistic-loss gradient, clipped to
// L2 norm C, plus Gaussian noise of sd σ·C on every coordinate, divided by its row count (DP-SGD
// over all rows, Abadi et al. 2016): one row added or removed moves the sum by at most C, so each
// round is a Gaussian release with noise multiplier σ (privacy-accountant.ts). The last release is
// the final model's score histogram per class, each count noised with sd σ_h: one row moves one
// count by one. The noise comes from the operating system's CSPRNG unless a test gives its own.
import { randomBytes } from 'node:crypto';
import { binOf } from './federated-averaging.ts';
import type { SiteRows } from './federated-spec.ts';

/** Draws N(0, 1). */
export type Gaussian = () => number;

/** Box-Muller over 53-bit uniforms in (0, 1) from the CSPRNG. */
export function secureGaussian(): Gaussian {
  const uniform = () => {
    const bytes = randomBytes(8);
    return ((bytes.readUInt32BE(0) >>> 11) * 2 ** 32 + bytes.readUInt32BE(4) + 0.5) / 2 ** 53;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Gaussian draws from a uniform source (tests and benches with a seeded generator). */
export function gaussianFrom(uniform: () => number): Gaussian {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The model's probability for one row; `weights` ends with the bias. */
export function siteScore(weights: readonly number[], row: ArrayLike<number>): number {
  let z = weights[weights.length - 1]!;
  for (let f = 0; f < row.length; f += 1) z += weights[f]! * row[f]!;
  return sigmoid(z);
}

/** The noised, clipped mean gradient of the site's rows at `weights`. */
export function gradientUpdate(
  site: SiteRows,
  weights: readonly number[],
  privacy: { clipNorm: number; noiseMultiplier: number },
  gaussian: Gaussian,
): number[] {
  if (site.rows.length === 0) throw new RangeError('the site has no rows to train on');
  const d = weights.length;
  const sum = new Float64Array(d);
  site.rows.forEach((row, i) => {
    const error = siteScore(weights, row) - site.labels[i]!;
    let norm2 = error * error;
    for (let f = 0; f < row.length; f += 1) norm2 += (error * row[f]!) ** 2;
    const factor = error / Math.max(1, Math.sqrt(norm2) / privacy.clipNorm);
    for (let f = 0; f < row.length; f += 1) sum[f]! += factor * row[f]!;
    sum[d - 1]! += factor;
  });
  const sd = privacy.noiseMultiplier * privacy.clipNorm;
  return Array.from(sum, (s) => (s + sd * gaussian()) / site.rows.length);
}

/** The site's noised score counts in `bins` equal bins: normal rows' first, then failures'. */
export function scoreHistogram(site: SiteRows, weights: readonly number[], bins: number, noiseSd: number, gaussian: Gaussian): number[] {
  const counts = Array.from({ length: 2 * bins }, () => 0);
  site.rows.forEach((row, i) => (counts[site.labels[i]! * bins + binOf(siteScore(weights, row), bins)]! += 1));
  return counts.map((c) => c + noiseSd * gaussian());
}
