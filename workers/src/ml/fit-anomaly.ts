// Fits the streaming anomaly detector on windows of normal operation: robust centre (median) and
// scale (MAD × 1.4826) per feature, and the energy at which the score reaches one half (the 99.5th
// percentile of normal windows), so the default threshold of 0.5 flags about 1 in 200 normal windows.
import type { TrainedModel } from './model-families.ts';
import { quantile } from './metrics.ts';

export const ANOMALY_CAP = 100;

export function fitAnomalyDetector(normalRows: readonly Float64Array[]): TrainedModel {
  if (normalRows.length < 20) throw new Error('the anomaly detector needs at least 20 windows of normal operation');
  const f = normalRows[0]!.length;
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < f; j += 1) {
    const column = normalRows.map((r) => r[j]!).sort((a, b) => a - b);
    const median = quantile(column, 0.5);
    const mad =
      quantile(
        column.map((v) => Math.abs(v - median)).sort((a, b) => a - b),
        0.5,
      ) * 1.4826;
    center.push(median);
    scale.push(Math.max(mad, 1e-3 * Math.abs(median) + 1e-6));
  }
  const energies = normalRows.map((r) => r.reduce((s, v, j) => s + Math.min(((v - center[j]!) / scale[j]!) ** 2, ANOMALY_CAP), 0) / f).sort((a, b) => a - b);
  return { family: 'ANOMALY_ZSCORE', standardizer: { center, scale }, cap: ANOMALY_CAP, halfAt: Math.max(quantile(energies, 0.995), 1e-6) };
}
