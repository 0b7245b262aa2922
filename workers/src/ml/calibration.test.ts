// Calibration and the decision rule, on worked cases: Platt scaling lowers the Brier score of a
// class-balanced model on a rare failure, without changing the order of rows; the threshold follows
// the cost of a missed failure against a false alarm, or a minimum precision.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { DEFAULT_CLASSIFIER_PARAMS } from '@threadline/db/models/training-params';
import { fitPlatt } from './calibration.ts';
import { chooseThreshold } from './decision-threshold.ts';
import { fitClassifier, scoreRows } from './fit-classifier.ts';
import { auc, brierScore } from './metrics.ts';
import { marginOf, standardize, type TrainedModel } from './model-families.ts';

describe('calibration', () => {
  it('lowers the Brier score of a class-balanced model on a 3 % failure, keeping its AUC', () => {
    const random = seededRandom(5);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const table = (n: number) => {
      const rows = Array.from({ length: n }, () => Float64Array.from([gauss(), gauss()]));
      return { rows, labels: rows.map((r) => (r[0]! + 0.5 * r[1]! + 0.6 * gauss() > 2.6 ? 1 : 0)) };
    };
    const [train, validation, holdout] = [table(4_000), table(2_000), table(4_000)];
    const model = fitClassifier(train.rows, train.labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: 'LOGISTIC' }) as Exclude<
      TrainedModel,
      { family: 'ANOMALY_ZSCORE' }
    >;
    const margins = validation.rows.map((r) => marginOf(model, standardize(model.standardizer, r)));
    const calibrated: TrainedModel = { ...model, calibration: fitPlatt(margins, validation.labels) };
    const [before, after] = [scoreRows(model, holdout.rows), scoreRows(calibrated, holdout.rows)];
    expect(brierScore(after, holdout.labels)).toBeLessThan(0.7 * brierScore(before, holdout.labels));
    expect(auc(after, holdout.labels)).toBeCloseTo(auc(before, holdout.labels)!, 10);
    // Calibrated, the mean score is the failure rate.
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean(after) - mean(holdout.labels))).toBeLessThan(0.01);
  });
});

describe('the decision threshold', () => {
  // Six validation rows, by score: 0.9 failed, 0.8 did not, 0.7 failed, 0.4 and 0.2 did not, 0.1 failed.
  const scores = [0.9, 0.8, 0.7, 0.4, 0.2, 0.1];
  const labels = [1, 0, 1, 0, 0, 1];
  const halfway = (upper: number, lower: number) => {
    const logit = (p: number) => Math.log(p / (1 - p));
    return 1 / (1 + Math.exp(-(logit(upper) + logit(lower)) / 2));
  };

  it('earns most: a miss costing 2 and a false alarm 1 flags the top three (cost 1 miss × 2 + 1 alarm = 3)', () => {
    // Flag 0: 6; 1: 4; 2: 5; 3: 3; 4: 4; 5: 5; 6: 3 (a tie is not better, so the first 3 stands).
    const choice = chooseThreshold(scores, labels, { kind: 'COST', missedFailure: 2, falseAlarm: 1 });
    expect(choice).toMatchObject({ value: 3, flagged: 3, caught: 2 });
    expect(choice.threshold).toBeCloseTo(halfway(0.7, 0.4), 12);
  });

  it('flags everything when a miss costs ten false alarms', () => {
    // Flag 6: no miss, three alarms = 3, against 11 for the top three.
    expect(chooseThreshold(scores, labels, { kind: 'COST', missedFailure: 10, falseAlarm: 1 })).toMatchObject({ value: 3, flagged: 6, caught: 3 });
  });

  it('keeps the most recall at a minimum precision, or the best F1', () => {
    expect(chooseThreshold(scores, labels, { kind: 'MIN_PRECISION', precision: 0.6 })).toMatchObject({ flagged: 3, caught: 2 });
    expect(chooseThreshold(scores, labels, { kind: 'MIN_PRECISION', precision: 0.99 })).toMatchObject({ flagged: 1, caught: 1 });
    expect(chooseThreshold(scores, labels, { kind: 'BEST_F1' })).toMatchObject({ flagged: 3, caught: 2 });
  });
});
