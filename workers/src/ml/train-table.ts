// Training from a labelled table (labelled-table.ts) rather than telemetry windows: a held-out 30 %
// touched once at the end, a validation slice of the rest on which derived features are searched
// (derived-search.ts), the family, shape and seed chosen (with `auto`, among all of them), the
// probabilities calibrated (Platt) and the decision threshold set by its rule (cost, minimum
// precision or best F1), and the same ONNX export, checked against TypeScript. Rows are split in
// time order when the table has a time column, else by a seeded shuffle within each class.
import { seededRandom } from '@threadline/db/random';
import { DEFAULT_CLASSIFIER_PARAMS } from '@threadline/db/models/training-params';
import { fitClassifier, scoreRows } from './fit-classifier.ts';
import { derivedName } from '@threadline/db/models/feature-spec';
import { DEFAULT_BOOSTING_PARAMS, fitGradientBoosting, type BoostingParams, type LabelledRows } from './gradient-boosting.ts';
import { featureNamesOf, type LabelledTable, type TableEncoding } from '@threadline/db/models/labelled-table';
import { auc, averagePrecision, brierScore, confusionAt } from './metrics.ts';
import { searchDerivedFeatures } from './derived-search.ts';
import { resolveDerived, withDerived } from '@threadline/db/models/derived-features';
import { marginOf, standardize, toFloat32, type TrainedModel } from './model-families.ts';
import { fitPlatt } from './calibration.ts';
import { chooseThreshold, type ThresholdRule } from './decision-threshold.ts';
import { exportOnnx } from './onnx-export.ts';
import { EXPORT_TOLERANCE, exportDeviation, meanOf } from './train-model.ts';

export type TableFamily = 'auto' | 'gbt' | 'mlp' | 'logistic';

export interface TableModel {
  family: TrainedModel['family'];
  model: TrainedModel;
  onnx: Uint8Array;
  reference: number[];
  threshold: number;
  /** The table's encoding with the derived features kept, and the features the graph takes. */
  encoding: TableEncoding;
  features: string[];
  metrics: Record<string, unknown>;
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

interface Candidate {
  /** e.g. `gbt depth 4`, `mlp seed 8`. */
  label: string;
  fit: (train: LabelledRows, validation: LabelledRows) => TrainedModel;
}

/** The search space: logistic regression, the MLP at three seeds, boosted trees at three shapes. */
function candidatesFor(family: TableFamily, seed: number): Candidate[] {
  const classifier = (kind: 'MLP' | 'LOGISTIC', s: number) => (train: LabelledRows) =>
    fitClassifier(train.rows, train.labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: kind, seed: s });
  const all: Record<Exclude<TableFamily, 'auto'>, Candidate[]> = {
    logistic: [{ label: 'logistic', fit: classifier('LOGISTIC', seed) }],
    mlp: [seed, seed + 1, seed + 2].map((s) => ({ label: `mlp seed ${s}`, fit: classifier('MLP', s) })),
    gbt: BOOSTING_SHAPES.map((shape) => ({
      label: `gbt depth ${shape.maxDepth}`,
      fit: (train, validation) => fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, ...shape, seed }),
    })),
  };
  return family === 'auto' ? [...all.logistic, ...all.mlp, ...all.gbt] : all[family];
}

const BOOSTING_SHAPES: Partial<BoostingParams>[] = [
  { maxDepth: 3, learningRate: 0.1 },
  { maxDepth: 4, learningRate: 0.08 },
  { maxDepth: 6, learningRate: 0.05, minLeafRows: 16 },
];

export interface TableTraining {
  family: TableFamily;
  timed: boolean;
  seed: number;
  name: string;
  /** How the decision threshold is chosen on the validation rows, and where the rule came from; best F1 (`default`) unless stated. */
  rule?: ThresholdRule;
  ruleSource?: string;
  /** Whether to search for derived features (derived-search.ts); on unless turned off. */
  derive?: boolean;
}

/**
 * Trains on a table: the derived-feature search and the choice among candidates (by validation
 * average precision, then AUC) on the validation slice, calibration and the threshold there too,
 * and the holdout scored once at the end.
 */
export async function trainTable(table: LabelledTable, options: TableTraining): Promise<TableModel> {
  const all = table.labels.map((_, i) => i);
  const [rest, holdoutIndices] = split(all, table, 0.3, options.timed, options.seed);
  const [fitIndices, validationIndices] = split(rest, table, 0.2, options.timed, options.seed + 1);
  const [base, baseValidation] = [rowsOf(table, fitIndices), rowsOf(table, validationIndices)];
  for (const [name, part] of [
    ['training', base],
    ['validation', baseValidation],
  ] as const) {
    if (!part.labels.includes(1) || !part.labels.includes(0))
      throw new Error(`the ${name} rows need both failures and normal rows; the table is too small or too lopsided`);
  }
  const started = performance.now();
  const numeric = table.encoding.numeric.map((_, i) => i);
  const search = options.derive === false || numeric.length < 2 ? null : searchDerivedFeatures(table.features, numeric, base, baseValidation, options.seed);
  const encoding: TableEncoding = { ...table.encoding, derived: search?.derived ?? [] };
  const resolved = resolveDerived(table.features, encoding.derived!);
  const extended = (indices: number[]): LabelledRows => ({
    rows: indices.map((i) => withDerived(table.rows[i]!, resolved)),
    labels: indices.map((i) => table.labels[i]!),
  });
  const [train, validation, holdout] = [extended(fitIndices), extended(validationIndices), extended(holdoutIndices)];

  const validationFigures: Record<string, number | null> = {};
  let best: { model: TrainedModel; label: string; ap: number; auc: number } | null = null;
  for (const candidate of candidatesFor(options.family, options.seed)) {
    const model = toFloat32(candidate.fit(train, validation));
    const scores = scoreRows(model, validation.rows);
    const [ap, rocAuc] = [averagePrecision(scores, validation.labels) ?? 0, auc(scores, validation.labels) ?? 0];
    validationFigures[candidate.label] = Number(ap.toFixed(4));
    if (!best || ap > best.ap || (ap === best.ap && rocAuc > best.auc)) best = { model, label: candidate.label, ap, auc: rocAuc };
  }
  const chosen = best!.model as Exclude<TrainedModel, { family: 'ANOMALY_ZSCORE' }>;
  // Calibrated on the validation rows' natural mix of failures, then the threshold by the rule.
  const margins = validation.rows.map((r) => marginOf(chosen, standardize(chosen.standardizer, r)));
  const model = toFloat32({ ...chosen, calibration: fitPlatt(margins, validation.labels) });
  const trainingMs = performance.now() - started;
  const validationScores = scoreRows(model, validation.rows);
  const decision = chooseThreshold(validationScores, validation.labels, options.rule ?? { kind: 'BEST_F1' });
  const threshold = decision.threshold;
  const features = featureNamesOf(encoding);
  const reference = meanOf(train.rows).map(Math.fround);
  const onnx = exportOnnx(model, reference, { name: options.name, features });
  const deviation = await exportDeviation(model, onnx, reference, holdout);
  if (deviation > EXPORT_TOLERANCE) throw new Error(`the ONNX export differs from the TypeScript model by ${deviation}; nothing written`);
  const holdoutScores = scoreRows(model, holdout.rows);
  const at = confusionAt(holdoutScores, holdout.labels, threshold);
  const atValidation = confusionAt(validationScores, validation.labels, threshold);
  return {
    family: model.family,
    model,
    onnx,
    reference,
    threshold,
    encoding,
    features,
    metrics: {
      family: model.family,
      chosen: best!.label,
      auc: auc(holdoutScores, holdout.labels),
      averagePrecision: averagePrecision(holdoutScores, holdout.labels),
      f1: at.f1,
      precision: at.precision,
      recall: at.recall,
      brier: brierScore(holdoutScores, holdout.labels),
      brierUncalibrated: brierScore(scoreRows(chosen, holdout.rows), holdout.labels),
      threshold,
      thresholdRule: { ...decision.rule, source: options.ruleSource ?? 'default' },
      calibration: model.family !== 'ANOMALY_ZSCORE' ? (model.calibration ?? null) : null,
      validation: {
        windows: validation.rows.length,
        positives: atValidation.positives,
        averagePrecision: best!.ap,
        auc: best!.auc,
        f1: atValidation.f1,
        precision: atValidation.precision,
        recall: atValidation.recall,
        brier: brierScore(validationScores, validation.labels),
      },
      validationAveragePrecision: validationFigures,
      derived: encoding.derived!.map(derivedName),
      derivedSearch: search
        ? { proposed: search.proposed, checked: search.checked, lossBefore: search.validationLoss.before, lossAfter: search.validationLoss.after }
        : {},
      trainRows: train.rows.length,
      validationRows: validation.rows.length,
      holdoutRows: holdout.rows.length,
      holdoutPositives: holdout.labels.filter((l) => l === 1).length,
      trainingMs: Math.round(trainingMs),
      onnxMaxDeviation: deviation,
    },
  };
}
