// The reference feature profile stored with a version: per feature, the edges of 10 quantile bins
// and the share of training windows in each, mean and standard deviation, and an evenly spaced
// sample of up to 200 values, for drift tests (PSI over the bins, two-sample Kolmogorov-Smirnov).
import { quantile } from './metrics.ts';

export interface FeatureProfile {
  feature: string;
  /** 11 ascending edges of 10 quantile bins. */
  edges: number[];
  shares: number[];
  mean: number;
  std: number;
  sample: number[];
}

export const PROFILE_BINS = 10;
const SAMPLE_SIZE = 200;

export function referenceProfile(names: readonly string[], rows: readonly Float64Array[]): FeatureProfile[] {
  return names.map((feature, j) => {
    const values = rows.map((r) => r[j]!).sort((a, b) => a - b);
    const edges = Array.from({ length: PROFILE_BINS + 1 }, (_, b) => quantile(values, b / PROFILE_BINS));
    const counts = new Array<number>(PROFILE_BINS).fill(0);
    for (const v of values) counts[binOf(edges, v)]! += 1;
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    const stride = Math.max(1, values.length / SAMPLE_SIZE);
    const sample = Array.from({ length: Math.min(SAMPLE_SIZE, values.length) }, (_, i) => values[Math.floor(i * stride)]!);
    return { feature, edges, shares: counts.map((c) => c / values.length), mean, std, sample };
  });
}

/** The bin of a value: the first whose upper edge holds it; outside values go to the end bins. */
export function binOf(edges: readonly number[], value: number): number {
  for (let b = 1; b < edges.length - 1; b += 1) if (value <= edges[b]!) return b - 1;
  return edges.length - 2;
}
