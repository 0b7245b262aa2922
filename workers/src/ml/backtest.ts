// A backtest's figures (issue 18, item 6) from a version's scores over a labelled history: AUC,
// PR-AUC (average precision), the Brier score, and precision, recall and F1 at the version's own
// threshold; over telemetry also each failure's lead time (from the first alarm within the horizon
// before it to its start) and the alarms that foresaw nothing, counted once per episode (flagged
// windows of one asset at most five grid steps apart); and what it all was worth at the prices of
// the use case's detector-value KPI: failures foreseen × the saving, false alarms and missed
// failures × their costs.
import type { Incident } from '@threadline/db/telemetry/incident-spans';
import { auc, averagePrecision, brierScore, confusionAt, quantile } from './metrics.ts';

export interface Prices {
  kpi: string;
  saved: number;
  falseAlarm: number;
  missed: number;
}

export interface BacktestFigures {
  [figure: string]: number | string | null | Record<string, number | string | null>;
}

/** Figures any labelled rows give: ranking, calibration and the version's decisions. */
export function scoredFigures(scores: readonly number[], labels: readonly number[], threshold: number): BacktestFigures {
  const at = confusionAt(scores, labels, threshold);
  return {
    rows: scores.length,
    positives: at.positives,
    threshold,
    auc: auc(scores, labels),
    averagePrecision: averagePrecision(scores, labels),
    brier: brierScore(scores, labels),
    precision: at.precision,
    recall: at.recall,
    f1: at.f1,
    flagged: at.flagged,
  };
}

/** Row by row, for a table: each failure row flagged is foreseen, each flagged normal row a false alarm. */
export function tableOutcomes(scores: readonly number[], labels: readonly number[], threshold: number, prices: Prices | null): BacktestFigures {
  let [caught, falseAlarms, missed] = [0, 0, 0];
  scores.forEach((s, i) => {
    if (s >= threshold) {
      if (labels[i] === 1) caught += 1;
      else falseAlarms += 1;
    } else if (labels[i] === 1) missed += 1;
  });
  return { failures: caught + missed, caught, missed, falseAlarms, leadTimeMinutes: null, value: valueOf(caught, falseAlarms, missed, prices) };
}

export interface ScoredWindow {
  assetId: string;
  windowEnd: number;
  score: number;
  label: number;
}

/** Over telemetry windows: failures foreseen and their lead times, missed ones, and false-alarm episodes. */
export function telemetryOutcomes(
  windows: readonly ScoredWindow[],
  incidents: readonly Incident[],
  threshold: number,
  horizonMs: number,
  stepMs: number,
  prices: Prices | null,
): BacktestFigures {
  const byAsset = new Map<string, ScoredWindow[]>();
  for (const w of windows) byAsset.set(w.assetId, [...(byAsset.get(w.assetId) ?? []), w]);
  for (const own of byAsset.values()) own.sort((a, b) => a.windowEnd - b.windowEnd);
  const scored = incidents.filter((i) => (byAsset.get(i.assetId) ?? []).some((w) => w.windowEnd < i.start && w.windowEnd >= i.start - horizonMs));
  const leads = scored.flatMap((i) => {
    const first = byAsset.get(i.assetId)!.find((w) => w.windowEnd < i.start && w.windowEnd >= i.start - horizonMs && w.score >= threshold);
    return first ? [(i.start - first.windowEnd) / 60_000] : [];
  });
  let falseAlarms = 0;
  for (const own of byAsset.values()) {
    let episode: ScoredWindow[] = [];
    const close = () => {
      if (episode.length > 0 && episode.every((w) => w.label === 0)) falseAlarms += 1;
      episode = [];
    };
    for (const w of own.filter((x) => x.score >= threshold)) {
      if (episode.length > 0 && w.windowEnd - episode[episode.length - 1]!.windowEnd > 5 * stepMs) close();
      episode.push(w);
    }
    close();
  }
  const sorted = [...leads].sort((a, b) => a - b);
  const caught = leads.length;
  const missed = scored.length - caught;
  return {
    failures: scored.length,
    caught,
    missed,
    falseAlarms,
    leadTimeMinutes:
      sorted.length === 0
        ? null
        : { min: sorted[0]!, median: quantile(sorted, 0.5), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, max: sorted.at(-1)! },
    value: valueOf(caught, falseAlarms, missed, prices),
  };
}

function valueOf(caught: number, falseAlarms: number, missed: number, prices: Prices | null): Record<string, number | string | null> | null {
  if (!prices) return null;
  const saved = caught * prices.saved;
  const falseAlarmCost = falseAlarms * prices.falseAlarm;
  const missedCost = missed * prices.missed;
  return { kpi: prices.kpi, saved, falseAlarmCost, missedCost, net: saved - falseAlarmCost - missedCost };
}
