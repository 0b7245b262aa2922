// The event-window score of a streaming detector on labelled series: each labelled anomaly has a
// window around its onset (a tenth of the series' length shared among its anomalies, centred on the
// onset); the first detection inside a window earns a reward that falls from about 1 at the
// window's start to 0 at its end along a scaled sigmoid, a window without one costs a miss, and each
// detection outside every window costs a fraction of a detection (less just after a window, the
// full fraction elsewhere). Detections in the first 15 % of a series (the detector is learning)
// count neither way. Raw scores are summed over a corpus and normalised so the null detector
// scores 0 and a perfect one 100; one threshold serves the whole corpus.

/** Weights of a scoring profile: a window's reward, a false alarm's cost, a miss's cost. */
export interface ScoringProfile {
  name: string;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
}

export const PROFILES: readonly ScoringProfile[] = [
  { name: 'standard', truePositive: 1, falsePositive: 0.11, falseNegative: 1 },
  { name: 'low false alarms', truePositive: 1, falsePositive: 0.22, falseNegative: 1 },
  { name: 'low misses', truePositive: 1, falsePositive: 0.11, falseNegative: 2 },
];

export const PROBATION_SHARE = 0.15;
export const WINDOW_SHARE = 0.1;

/** A labelled series: its length (rows) and the row of each anomaly's onset. */
export interface LabelledSeries {
  rows: number;
  onsets: readonly number[];
}

/** Windows [start, end] (rows) around the onsets; overlapping windows merge. */
export function anomalyWindows(series: LabelledSeries): [number, number][] {
  if (series.onsets.length === 0) return [];
  const width = Math.max(1, Math.floor((WINDOW_SHARE * series.rows) / series.onsets.length));
  const windows: [number, number][] = [];
  for (const onset of [...series.onsets].sort((a, b) => a - b)) {
    const start = Math.max(0, onset - Math.floor(width / 2));
    const end = Math.min(series.rows - 1, start + width - 1);
    const last = windows.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  return windows;
}

/** 2 / (1 + e^(5y)) − 1: about 1 at y = −1 (a window's start), 0 at y = 0 (its end), towards −1 after. */
export const scaledSigmoid = (y: number): number => 2 / (1 + Math.exp(5 * y)) - 1;

export interface SeriesOutcome {
  raw: number;
  detected: number;
  missed: number;
  falseAlarms: number;
  /** Rows from window start to the first detection, per detected window. */
  delays: number[];
}

/** The raw score of detections (row indices, ascending) on one series under a profile. */
export function scoreSeries(series: LabelledSeries, detections: readonly number[], profile: ScoringProfile): SeriesOutcome {
  const windows = anomalyWindows(series);
  const probation = Math.floor(PROBATION_SHARE * series.rows);
  const outcome: SeriesOutcome = { raw: 0, detected: 0, missed: 0, falseAlarms: 0, delays: [] };
  const firstIn = windows.map(() => -1);
  let w = 0;
  for (const row of detections) {
    if (row < probation) continue;
    while (w < windows.length && windows[w]![1] < row) w += 1;
    const window = windows[w];
    if (window && row >= window[0]) {
      if (firstIn[w] === -1) firstIn[w] = row;
      continue;
    }
    // Outside every window: less costly just after one, the full cost elsewhere.
    const previous = windows[w - 1];
    const cost = previous ? -scaledSigmoid((row - previous[1]) / (previous[1] - previous[0] + 1)) : 1;
    outcome.raw -= profile.falsePositive * cost;
    outcome.falseAlarms += 1;
  }
  windows.forEach(([start, end], i) => {
    if (end < probation) return;
    if (firstIn[i]! >= 0) {
      const width = end - start + 1;
      outcome.raw += profile.truePositive * scaledSigmoid((firstIn[i]! - end) / width);
      outcome.detected += 1;
      outcome.delays.push(firstIn[i]! - start);
    } else {
      outcome.raw -= profile.falseNegative;
      outcome.missed += 1;
    }
  });
  return outcome;
}

/** The number of scored windows (those not wholly in the probation). */
export function scoredWindows(series: LabelledSeries): number {
  const probation = Math.floor(PROBATION_SHARE * series.rows);
  return anomalyWindows(series).filter(([, end]) => end >= probation).length;
}

export interface CorpusScore {
  profile: string;
  threshold: number;
  score: number;
  detected: number;
  missed: number;
  falseAlarms: number;
}

/** The corpus score of per-row anomaly scores at one threshold: 100 × (raw − null) / (perfect − null). */
export function corpusScore(corpus: readonly { series: LabelledSeries; scores: ArrayLike<number> }[], threshold: number, profile: ScoringProfile): CorpusScore {
  let raw = 0;
  let windows = 0;
  const totals = { detected: 0, missed: 0, falseAlarms: 0 };
  for (const { series, scores } of corpus) {
    const detections: number[] = [];
    for (let i = 0; i < scores.length; i += 1) if (scores[i]! >= threshold) detections.push(i);
    const outcome = scoreSeries(series, detections, profile);
    raw += outcome.raw;
    windows += scoredWindows(series);
    totals.detected += outcome.detected;
    totals.missed += outcome.missed;
    totals.falseAlarms += outcome.falseAlarms;
  }
  const nullRaw = -profile.falseNegative * windows;
  const perfect = profile.truePositive * windows;
  return { profile: profile.name, threshold, score: perfect === nullRaw ? 0 : (100 * (raw - nullRaw)) / (perfect - nullRaw), ...totals };
}

/** The best corpus score over thresholds: the distinct score levels by rank from the top, every one of the first 50, then ranks growing by 5 %. */
export function bestThreshold(corpus: readonly { series: LabelledSeries; scores: ArrayLike<number> }[], profile: ScoringProfile): CorpusScore {
  const levels = new Set<number>();
  for (const { scores } of corpus) for (let i = 0; i < scores.length; i += 1) if (scores[i]! > 0) levels.add(scores[i]!);
  const sorted = [...levels].sort((a, b) => b - a);
  let best = corpusScore(corpus, Infinity, profile);
  for (let rank = 0; rank < sorted.length; rank = Math.max(rank + 1, Math.floor(rank * 1.05))) {
    const score = corpusScore(corpus, sorted[rank]!, profile);
    if (score.score > best.score) best = score;
  }
  return best;
}
