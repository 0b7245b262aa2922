// Choosing on validation, touching the holdout once (issue 18, item 3), for tables and telemetry
// alike: candidates of each family (logistic regression; the MLP at three seeds; boosted trees of
// three shapes) fitted on the training rows and compared by average precision on the validation
// rows (ties by AUC); the chosen one's margin calibrated there (Platt) and its threshold set there
// by the rule, with its validation figures.
import { DEFAULT_CLASSIFIER_PARAMS } from '@threadline/db/models/training-params';
import { fitPlatt } from './calibration.ts';
import { chooseThreshold, type ThresholdChoice, type ThresholdRule } from './decision-threshold.ts';
import { fitClassifier, scoreRows, type ClassifierParams } from './fit-classifier.ts';
import { DEFAULT_BOOSTING_PARAMS, fitGradientBoosting, type BoostingParams, type LabelledRows } from './gradient-boosting.ts';
import { auc, averagePrecision, brierScore, confusionAt } from './metrics.ts';
import { marginOf, standardize, toFloat32, type TrainedModel } from './model-families.ts';

export type SearchFamily = 'auto' | 'gbt' | 'mlp' | 'logistic';
type Classifier = Exclude<TrainedModel, { family: 'ANOMALY_ZSCORE' }>;

export interface Candidate {
  /** e.g. `gbt depth 4`, `mlp seed 8`. */
  label: string;
  fit: (train: LabelledRows, validation: LabelledRows) => TrainedModel;
}

const BOOSTING_SHAPES: Partial<BoostingParams>[] = [
  { maxDepth: 3, learningRate: 0.1 },
  { maxDepth: 4, learningRate: 0.08 },
  { maxDepth: 6, learningRate: 0.05, minLeafRows: 16 },
];

/** The search space of a family (all three with `auto`); logistic regression and the MLP fit with `classifier`'s settings. */
export function candidatesFor(
  family: SearchFamily,
  seed: number,
  classifier: Omit<ClassifierParams, 'family' | 'seed'> = DEFAULT_CLASSIFIER_PARAMS,
): Candidate[] {
  const fitted = (kind: 'MLP' | 'LOGISTIC', s: number) => (train: LabelledRows) =>
    fitClassifier(train.rows, train.labels, { ...classifier, family: kind, seed: s });
  const all: Record<Exclude<SearchFamily, 'auto'>, Candidate[]> = {
    logistic: [{ label: 'logistic', fit: fitted('LOGISTIC', seed) }],
    mlp: [seed, seed + 1, seed + 2].map((s) => ({ label: `mlp seed ${s}`, fit: fitted('MLP', s) })),
    gbt: BOOSTING_SHAPES.map((shape) => ({
      label: `gbt depth ${shape.maxDepth}`,
      fit: (train, validation) => fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, ...shape, seed }),
    })),
  };
  return family === 'auto' ? [...all.logistic, ...all.mlp, ...all.gbt] : all[family];
}

export interface Chosen {
  model: Classifier;
  label: string;
  /** Every candidate's validation average precision, by label. */
  figures: Record<string, number | null>;
}

/** The candidate with the best validation average precision (ties: AUC). */
export function chooseOnValidation(candidates: readonly Candidate[], train: LabelledRows, validation: LabelledRows): Chosen {
  const figures: Record<string, number | null> = {};
  let best: { model: Classifier; label: string; ap: number; auc: number } | null = null;
  for (const candidate of candidates) {
    const model = toFloat32(candidate.fit(train, validation)) as Classifier;
    const scores = scoreRows(model, validation.rows);
    const [ap, rocAuc] = [averagePrecision(scores, validation.labels) ?? 0, auc(scores, validation.labels) ?? 0];
    figures[candidate.label] = Number(ap.toFixed(4));
    if (!best || ap > best.ap || (ap === best.ap && rocAuc > best.auc)) best = { model, label: candidate.label, ap, auc: rocAuc };
  }
  return { model: best!.model, label: best!.label, figures };
}

export interface Decided {
  model: Classifier;
  decision: ThresholdChoice;
  validation: Record<'windows' | 'positives' | 'auc' | 'averagePrecision' | 'precision' | 'recall' | 'f1' | 'brier', number | null>;
}

/** The model calibrated on the validation rows' natural mix of failures, then its threshold by the rule, and its figures there. */
export function calibrateAndDecide(fitted: Classifier, validation: LabelledRows, rule: ThresholdRule): Decided {
  const margins = validation.rows.map((r) => marginOf(fitted, standardize(fitted.standardizer, r)));
  const model = toFloat32({ ...fitted, calibration: fitPlatt(margins, validation.labels) }) as Classifier;
  const scores = scoreRows(model, validation.rows);
  const decision = chooseThreshold(scores, validation.labels, rule);
  const at = confusionAt(scores, validation.labels, decision.threshold);
  return {
    model,
    decision,
    validation: {
      windows: validation.rows.length,
      positives: at.positives,
      auc: auc(scores, validation.labels),
      averagePrecision: averagePrecision(scores, validation.labels),
      precision: at.precision,
      recall: at.recall,
      f1: at.f1,
      brier: brierScore(scores, validation.labels),
    },
  };
}
