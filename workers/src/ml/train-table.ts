// Training from a labelled table (labelled-table.ts) rather than telemetry windows: a held-out 30 %
// touched once at the end, a validation slice of the rest on which the family (with `auto`) is
// chosen, the probabilities calibrated (Platt) and the decision threshold set by its rule (cost,
// minimum precision or best F1), and the same ONNX export, checked against TypeScript. Rows are
// split in time order when the table has a time column, else by a seeded shuffle within each class.
import { seededRandom } from '@threadline/db/random';
import { DEFAULT_CLASSIFIER_PARAMS } from '@threadline/db/models/training-params';
import { fitClassifier, scoreRows } from './fit-classifier.ts';
import { DEFAULT_BOOSTING_PARAMS, fitGradientBoosting, type LabelledRows } from './gradient-boosting.ts';
import type { LabelledTable } from './labelled-table.ts';
import { auc, brierScore, confusionAt } from './metrics.ts';
import { marginOf, standardize, toFloat32, type TrainedModel } from './model-families.ts';
import { fitPlatt } from './calibration.ts';
import { chooseThreshold, type ThresholdRule } from './decision-threshold.ts';
import { exportOnnx } from './onnx-export.ts';
import { EXPORT_TOLERANCE, exportDeviation, meanOf } from './train-model.ts';

export type TableFamily = 'auto' | 'gbt' | 'mlp' | 'logistic';
const FAMILIES = ['logistic', 'mlp', 'gbt'] as const;

export interface TableModel {
  family: TrainedModel['family'];
  model: TrainedModel;
  onnx: Uint8Array;
  reference: number[];
  threshold: number;
  metrics: Record<string, number | string | null | Record<string, number | null>>;
}

/** Row indices split into [first, second] with `share` in the second: the latest rows when ordered by time, else a seeded shuffle per class. */
function split(indices: number[], table: LabelledTable, share: number, timed: boolean, seed: number): [number[], number[]] {
  if (timed) {
    const sorted = [...indices].sort((a, b) => table.order[a]! - table.order[b]!);
    const cut = Math.round(sorted.length * (1 - share));
    return [sorted.slice(0, cut), sorted.slice(cut)];
  }
  const random = seededRandom(seed);
  const first: number[] = [];
  const second: number[] = [];
  for (const label of [0, 1]) {
    const members = indices.filter((i) => table.labels[i] === label);
    for (let i = members.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    const cut = Math.round(members.length * (1 - share));
    first.push(...members.slice(0, cut));
    second.push(...members.slice(cut));
  }
  return [first.sort((a, b) => a - b), second.sort((a, b) => a - b)];
}

const rowsOf = (table: LabelledTable, indices: number[]): LabelledRows => ({
  rows: indices.map((i) => table.rows[i]!),
  labels: indices.map((i) => table.labels[i]!),
});

function fit(family: (typeof FAMILIES)[number], train: LabelledRows, validation: LabelledRows, seed: number): TrainedModel {
  if (family === 'gbt') return fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, seed });
  return fitClassifier(train.rows, train.labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: family === 'mlp' ? 'MLP' : 'LOGISTIC', seed });
}

export interface TableTraining {
  family: TableFamily;
  timed: boolean;
  seed: number;
  name: string;
  /** How the decision threshold is chosen on the validation rows; best F1 unless stated. */
  rule?: ThresholdRule;
}

export async function trainTable(table: LabelledTable, options: TableTraining): Promise<TableModel> {
  const all = table.labels.map((_, i) => i);
  const [rest, holdoutIndices] = split(all, table, 0.3, options.timed, options.seed);
  const [fitIndices, validationIndices] = split(rest, table, 0.2, options.timed, options.seed + 1);
  const [train, validation, holdout] = [rowsOf(table, fitIndices), rowsOf(table, validationIndices), rowsOf(table, holdoutIndices)];
  for (const [name, part] of [
    ['training', train],
    ['validation', validation],
  ] as const) {
    if (!part.labels.includes(1) || !part.labels.includes(0))
      throw new Error(`the ${name} rows need both failures and normal rows; the table is too small or too lopsided`);
  }
  const started = performance.now();
  const candidates = options.family === 'auto' ? FAMILIES : [options.family];
  const validationAuc: Record<string, number | null> = {};
  let best: { model: TrainedModel; auc: number } | null = null;
  for (const family of candidates) {
    const model = toFloat32(fit(family, train, validation, options.seed));
    const score = auc(scoreRows(model, validation.rows), validation.labels) ?? 0;
    validationAuc[model.family] = score;
    if (!best || score > best.auc) best = { model, auc: score };
  }
  const chosen = best!.model as Exclude<TrainedModel, { family: 'ANOMALY_ZSCORE' }>;
  // Calibrated on the validation rows' natural mix of failures, then the threshold by the rule.
  const margins = validation.rows.map((r) => marginOf(chosen, standardize(chosen.standardizer, r)));
  const model = toFloat32({ ...chosen, calibration: fitPlatt(margins, validation.labels) });
  const trainingMs = performance.now() - started;
  const decision = chooseThreshold(scoreRows(model, validation.rows), validation.labels, options.rule ?? { kind: 'BEST_F1' });
  const threshold = decision.threshold;
  const reference = meanOf(train.rows).map(Math.fround);
  const onnx = exportOnnx(model, reference, { name: options.name, features: table.features });
  const deviation = await exportDeviation(model, onnx, reference, holdout);
  if (deviation > EXPORT_TOLERANCE) throw new Error(`the ONNX export differs from the TypeScript model by ${deviation}; nothing written`);
  const holdoutScores = scoreRows(model, holdout.rows);
  const at = confusionAt(holdoutScores, holdout.labels, threshold);
  return {
    family: model.family,
    model,
    onnx,
    reference,
    threshold,
    metrics: {
      family: model.family,
      auc: auc(holdoutScores, holdout.labels),
      f1: at.f1,
      precision: at.precision,
      recall: at.recall,
      brier: brierScore(holdoutScores, holdout.labels),
      brierUncalibrated: brierScore(scoreRows(chosen, holdout.rows), holdout.labels),
      threshold,
      thresholdRule: JSON.stringify(decision.rule),
      calibration: JSON.stringify(model.family !== 'ANOMALY_ZSCORE' ? model.calibration : null),
      validationAuc,
      trainRows: train.rows.length,
      validationRows: validation.rows.length,
      holdoutRows: holdout.rows.length,
      holdoutPositives: holdout.labels.filter((l) => l === 1).length,
      trainingMs: Math.round(trainingMs),
      onnxMaxDeviation: deviation,
    },
  };
}
