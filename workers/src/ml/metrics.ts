// Holdout metrics of a scorer: ROC AUC, average precision, the Brier score, and precision, recall
// and F1 at a threshold (decision-threshold.ts chooses thresholds).

/** The q-quantile of ascending values (linear interpolation). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** Area under the ROC curve (Mann-Whitney, ties counted half); null without both classes. */
export function auc(scores: readonly number[], labels: readonly number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j += 1;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k += 1) if (order[k]![1] === 1) rankSum += meanRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision (the area under the precision-recall curve as a step function): the mean, over
 * the failures, of the precision among rows scored at least as high; null without failures. Ties
 * are taken together. With few failures it says more than ROC AUC about alarms worth acting on.
 */
export function averagePrecision(scores: readonly number[], labels: readonly number[]): number | null {
  const positives = labels.filter((l) => l === 1).length;
  if (positives === 0) return null;
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => b[0] - a[0]);
  let flagged = 0;
  let hits = 0;
  let total = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let found = 0;
    while (j < order.length && order[j]![0] === order[i]![0]) found += order[j++]![1];
    flagged += j - i;
    hits += found;
    total += (found * hits) / flagged;
    i = j;
  }
  return total / positives;
}

/** Mean squared difference between scores and 0/1 labels; 0 without windows. */
export function brierScore(scores: readonly number[], labels: readonly number[]): number {
  let sum = 0;
  scores.forEach((s, i) => {
    sum += (s - labels[i]!) ** 2;
  });
  return scores.length === 0 ? 0 : sum / scores.length;
}

export interface Confusion {
  precision: number;
  recall: number;
  f1: number;
  positives: number;
  flagged: number;
}

export function confusionAt(scores: readonly number[], labels: readonly number[], threshold: number): Confusion {
  let tp = 0;
  let flagged = 0;
  const positives = labels.filter((l) => l === 1).length;
  scores.forEach((s, i) => {
    if (s < threshold) return;
    flagged += 1;
    if (labels[i] === 1) tp += 1;
  });
  const precision = flagged === 0 ? 0 : tp / flagged;
  const recall = positives === 0 ? 0 : tp / positives;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, positives, flagged };
}
