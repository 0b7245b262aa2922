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
import { marginOf, standardize, toFloat32, type BoostedTree, type TrainedModel } from './model-families.ts';
import { seededRandom } from '@threadline/db/random';

export type SearchFamily = 'auto' | 'gbt' | 'mlp' | 'logistic';
type Classifier = Exclude<TrainedModel, { family: 'ANOMALY_ZSCORE' }>;

export interface Candidate {
  /** e.g. `gbt depth 4`, `mlp seed 8`. */
  label: string;
  fit: (train: LabelledRows, validation: LabelledRows) => TrainedModel;
  /** Boosted trees' settings, for cross-fitting them (crossFittedTrees). */
  boosting?: BoostingParams;
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
    gbt: BOOSTING_SHAPES.map((shape) => {
      const boosting = { ...DEFAULT_BOOSTING_PARAMS, ...shape, seed };
      return { label: `gbt depth ${shape.maxDepth}`, boosting, fit: (train, validation) => fitGradientBoosting(train, validation, boosting) };
    }),
  };
  return family === 'auto' ? [...all.logistic, ...all.mlp, ...all.gbt] : all[family];
}

export interface Chosen {
  model: Classifier;
  label: string;
  boosting?: BoostingParams;
  /** Every candidate's validation average precision, by label. */
  figures: Record<string, number | null>;
}

/** The candidate with the best validation average precision (ties: AUC). */
export function chooseOnValidation(candidates: readonly Candidate[], train: LabelledRows, validation: LabelledRows): Chosen {
  const figures: Record<string, number | null> = {};
  let best: { model: Classifier; label: string; ap: number; auc: number; boosting?: BoostingParams } | null = null;
  for (const candidate of candidates) {
    const model = toFloat32(candidate.fit(train, validation)) as Classifier;
    const scores = scoreRows(model, validation.rows);
    const [ap, rocAuc] = [averagePrecision(scores, validation.labels) ?? 0, auc(scores, validation.labels) ?? 0];
    figures[candidate.label] = Number(ap.toFixed(4));
    if (!best || ap > best.ap || (ap === best.ap && rocAuc > best.auc)) best = { model, label: candidate.label, ap, auc: rocAuc, boosting: candidate.boosting };
  }
  return { model: best!.model, label: best!.label, figures, ...(best!.boosting ? { boosting: best!.boosting } : {}) };
}

export interface Decided {
  model: Classifier;
  decision: ThresholdChoice;
  validation: Record<'windows' | 'positives' | 'auc' | 'averagePrecision' | 'precision' | 'recall' | 'f1' | 'brier', number | null>;
}

/** The model calibrated on the validation rows' natural mix of failures, then its threshold by the rule, and its figures there. */
export function calibrateAndDecide(fitted: Classifier, validation: LabelledRows, rule: ThresholdRule): Decided {
  const margins = validation.rows.map((r) => marginOf(fitted, standardize(fitted.standardizer, r)));
  return decideOnMargins(fitted, margins, validation.labels, rule);
}

/** As calibrateAndDecide, from margins the model gave rows it did not fit (validation rows, or cross-fitted ones). */
export function decideOnMargins(fitted: Classifier, margins: readonly number[], labels: readonly number[], rule: ThresholdRule): Decided {
  const calibration = fitPlatt(margins, labels);
  const model = toFloat32({ ...fitted, calibration }) as Classifier;
  const scores = margins.map((m) => 1 / (1 + Math.exp(-(calibration.a * m + calibration.b))));
  const decision = chooseThreshold(scores, labels, rule);
  const at = confusionAt(scores, labels, decision.threshold);
  return {
    model,
    decision,
    validation: {
      windows: labels.length,
      positives: at.positives,
      auc: auc(scores, labels),
      averagePrecision: averagePrecision(scores, labels),
      precision: at.precision,
      recall: at.recall,
      f1: at.f1,
      brier: brierScore(scores, labels),
    },
  };
}

/**
 * Boosted trees cross-fitted over all the rows: `folds` models, each fitted on the other folds and
 * stopping early on its own, as one ensemble (all their trees, leaf values divided by the number of
 * folds: the mean of their margins, still one tree ensemble), and each row's margin from the model
 * that did not fit it, for calibration and the threshold. Every row fits the final model and every
 * row helps set its threshold, where a single validation slice leaves a fifth out of the one and
 * decides the other on a few dozen failures.
 */
export function crossFittedTrees(boosting: BoostingParams, data: LabelledRows, folds: number): { model: Classifier; margins: number[] } {
  const random = seededRandom(boosting.seed + 101);
  const fold = new Array<number>(data.labels.length);
  for (const label of [0, 1]) {
    const members = data.labels.flatMap((l, i) => (l === label ? [i] : []));
    for (let i = members.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    members.forEach((row, k) => (fold[row] = k % folds));
  }
  const margins = new Array<number>(data.labels.length).fill(0);
  const trees: BoostedTree[] = [];
  let bias = 0;
  for (let k = 0; k < folds; k += 1) {
    const part = (inFold: boolean): LabelledRows => {
      const rows = data.labels.flatMap((_, i) => ((fold[i] === k) === inFold ? [i] : []));
      return { rows: rows.map((i) => data.rows[i]!), labels: rows.map((i) => data.labels[i]!) };
    };
    const model = toFloat32(fitGradientBoosting(part(false), part(true), boosting)) as Extract<Classifier, { family: 'GBT' }>;
    data.rows.forEach((row, i) => {
      if (fold[i] === k) margins[i] = marginOf(model, Array.from(row));
    });
    trees.push(...model.trees.map((t) => ({ ...t, value: t.value.map((v) => v / folds) })));
    bias += model.bias / folds;
  }
  const width = data.rows[0]!.length;
  return {
    model: toFloat32({ family: 'GBT', standardizer: { center: new Array(width).fill(0), scale: new Array(width).fill(1) }, trees, bias }) as Classifier,
    margins,
  };
}
