// An asset's samples through its streaming detector, kept per grid window: every sample of the
// spec's signals is scored in time order (the detector learns from each), and each window keeps
// its most surprising sample scored after `scoreAfter`. The one loop behind streaming inference,
// training's evaluation of the detector and its backtests.
import type { AssetSeries } from '@threadline/db/telemetry/feature-series';
import type { AssetDetector, Detection } from './streaming-detector.ts';

export interface WindowDetection {
  detection: Detection;
  /** Index of the signal whose sample it was. */
  signal: number;
  /** Earliest receipt of a sample in the window (null without receipt times). */
  earliestReceived: number | null;
}

/** Window end (ms, a multiple of `stepMs`) → the window's most surprising sample, in time order. */
export function detectWindows(
  detector: AssetDetector,
  names: readonly string[],
  series: AssetSeries,
  stepMs: number,
  scoreAfter: number,
): Map<number, WindowDetection> {
  const samples = names.flatMap((name, signal) => {
    const points = series.get(name);
    return points ? points.t.map((t, i) => ({ t, signal, v: points.v[i]!, r: points.r?.[i] ?? null })) : [];
  });
  samples.sort((a, b) => a.t - b.t || a.signal - b.signal);
  const windows = new Map<number, WindowDetection>();
  for (const sample of samples) {
    const detection = detector.update(names[sample.signal]!, sample.t, sample.v);
    if (sample.t <= scoreAfter) continue;
    const end = Math.ceil(sample.t / stepMs) * stepMs;
    const kept = windows.get(end);
    const received = [kept?.earliestReceived ?? null, sample.r].filter((r): r is number => r !== null);
    const earliestReceived = received.length > 0 ? Math.min(...received) : null;
    if (!kept || detection.score > kept.detection.score) windows.set(end, { detection, signal: sample.signal, earliestReceived });
    else kept.earliestReceived = earliestReceived;
  }
  return windows;
}
