// What a streaming detector does over a stretch of history: every asset's samples played through a
// fresh detector (streaming-windows.ts), its grid windows' scores, and the figures of those at a
// threshold against anomaly labels (incidents, or windows a person marked): flagged windows,
// episodes (flagged windows less than ten steps apart), false-alarm episodes per asset-day (those
// neither within the horizon before a labelled onset nor inside a label), labels flagged ahead and
// how early, and the event-window score under each profile (event-window-score.ts). The one
// evaluation behind training a STREAMING version and backtesting one.
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import type { SeriesLoader } from '@threadline/db/telemetry/feature-series';
import { corpusScore, PROFILES } from './event-window-score.ts';
import { AssetDetector } from './streaming-detector.ts';
import { detectWindows } from './streaming-windows.ts';

const DAY_MS = 86_400_000;

/** An anomaly label on an asset: its onset and end (epoch ms). */
export interface AnomalyLabel {
  assetId: string;
  start: number;
  end: number;
}

/** One asset's scored windows in time order, and its labels. */
export interface PlayedAsset {
  assetId: string;
  ends: number[];
  scores: number[];
  labels: AnomalyLabel[];
}

/** Plays each asset's samples over (from, to] through a fresh detector of the spec's signals. */
export async function playDetector(
  series: SeriesLoader,
  spec: FeatureSpec,
  assetIds: readonly string[],
  window: { from: number; to: number },
  labels: readonly AnomalyLabel[],
): Promise<PlayedAsset[]> {
  const names = spec.signals.map((s) => s.name);
  const played: PlayedAsset[] = [];
  for (const assetId of assetIds) {
    const inputs = (await series([{ assetId, after: window.from, upTo: window.to }], spec)).get(assetId)!;
    const windows = [...detectWindows(new AssetDetector(names), names, inputs.series, spec.stepSeconds * 1000, window.from)];
    if (windows.length === 0) continue;
    played.push({
      assetId,
      ends: windows.map(([end]) => end),
      scores: windows.map(([, w]) => w.detection.score),
      labels: labels.filter((l) => l.assetId === assetId),
    });
  }
  return played;
}

export interface DetectorFigures {
  windows: number;
  assets: number;
  flaggedWindows: number;
  falseAlarmEpisodes: number;
  falseAlarmsPerDay: number;
  labels: number;
  labelsFlagged: number;
  labelsMissed: number;
  leadTimeMinutes: { min: number; median: number; max: number } | null;
  /** Event-window score per profile; null without labels. */
  eventWindowScores: Record<string, number> | null;
}

/** The figures of played assets at a threshold; `horizonMs` is how far ahead of a label a flag counts for it. */
export function detectorFigures(played: readonly PlayedAsset[], threshold: number, stepMs: number, horizonMs: number): DetectorFigures {
  let flagged = 0;
  let falseAlarms = 0;
  let days = 0;
  let labels = 0;
  let missed = 0;
  const leads: number[] = [];
  for (const { ends, scores, labels: own } of played) {
    days += (ends.at(-1)! - ends[0]! + stepMs) / DAY_MS;
    const starts: number[] = [];
    let last = -Infinity;
    ends.forEach((end, i) => {
      if (scores[i]! < threshold) return;
      flagged += 1;
      if (end - last > 10 * stepMs) starts.push(end);
      last = end;
    });
    const explained = (t: number) => own.some((l) => (t >= l.start - horizonMs && t <= l.start) || (t > l.start && t <= l.end));
    falseAlarms += starts.filter((t) => !explained(t)).length;
    for (const label of own.filter((l) => l.start > ends[0]! && l.start <= ends.at(-1)!)) {
      labels += 1;
      const first = starts.find((t) => t >= label.start - horizonMs && t <= Math.max(label.start, label.end));
      if (first === undefined) missed += 1;
      else leads.push((label.start - first) / 60_000);
    }
  }
  const sorted = [...leads].sort((a, b) => a - b);
  const labelled = played.map((a) => ({
    series: { rows: a.ends.length, onsets: a.labels.map((l) => a.ends.findIndex((end) => end >= l.start)).filter((row) => row >= 0) },
    scores: a.scores,
  }));
  return {
    windows: played.reduce((n, a) => n + a.ends.length, 0),
    assets: played.length,
    flaggedWindows: flagged,
    falseAlarmEpisodes: falseAlarms,
    falseAlarmsPerDay: days > 0 ? Number((falseAlarms / days).toFixed(3)) : 0,
    labels,
    labelsFlagged: leads.length,
    labelsMissed: missed,
    leadTimeMinutes: sorted.length > 0 ? { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! } : null,
    eventWindowScores: labels > 0 ? Object.fromEntries(PROFILES.map((p) => [p.name, Number(corpusScore(labelled, threshold, p).score.toFixed(1))])) : null,
  };
}
