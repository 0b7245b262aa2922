// The decision threshold, by a rule stated with the model: the one that earns most when a missed
// failure and a false alarm have a price (expected cost = missed × cost of a miss + false alarms ×
// cost of a false alarm, on the validation rows), the lowest that keeps precision at a minimum, or
// the best F1. Each threshold is placed halfway in log-odds to the next lower score, so that a
// row scoring just below a flagged one on new data is not missed by a hair.

import type { ThresholdRule } from '@threadline/db/models/training-params';

export type { ThresholdRule };

export interface ThresholdChoice {
  threshold: number;
  rule: ThresholdRule;
  /** What the rule optimised, on the validation rows: the cost, the recall kept, or F1. */
  value: number;
  flagged: number;
  caught: number;
}

const logit = (p: number) => Math.log(Math.max(p, 1e-12) / Math.max(1 - p, 1e-12));
const between = (upper: number, lower: number | undefined) => (lower === undefined ? upper : 1 / (1 + Math.exp(-(logit(upper) + logit(lower)) / 2)));

export function chooseThreshold(scores: readonly number[], labels: readonly number[], rule: ThresholdRule): ThresholdChoice {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((x, y) => y[0] - x[0]);
  const positives = labels.filter((l) => l === 1).length;
  // Flagging the top k rows (k = 0 … n), walking down distinct scores.
  let best: ThresholdChoice | null = null;
  let caught = 0;
  for (let k = 0; k <= order.length; k += 1) {
    if (k > 0) caught += order[k - 1]![1];
    if (k < order.length && k > 0 && order[k]![0] === order[k - 1]![0]) continue;
    const flagged = k;
    const falseAlarms = flagged - caught;
    const precision = flagged === 0 ? 1 : caught / flagged;
    const recall = positives === 0 ? 0 : caught / positives;
    let value: number;
    let better: (a: number, b: number) => boolean;
    switch (rule.kind) {
      case 'COST':
        value = (positives - caught) * rule.missedFailure + falseAlarms * rule.falseAlarm;
        better = (a, b) => a < b;
        break;
      case 'MIN_PRECISION':
        if (precision < rule.precision) continue;
        value = recall;
        better = (a, b) => a > b;
        break;
      case 'BEST_F1':
        value = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
        better = (a, b) => a > b;
    }
    if (best && !better(value, best.value)) continue;
    const threshold = k === 0 ? Math.min(1, order[0]![0] + 1e-9) : between(order[k - 1]![0], order[k]?.[0]);
    best = { threshold, rule, value, flagged, caught };
  }
  return best ?? { threshold: 1, rule, value: 0, flagged: 0, caught: 0 };
}
