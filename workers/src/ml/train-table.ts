// Training from a labelled table (labelled-table.ts) rather than telemetry windows: a held-out 30 %
// touched once at the end, a validation slice of the rest on which derived features are searched
// (derived-search.ts), the family, shape and seed chosen (with `auto`, among all of them), the
// probabilities calibrated (Platt) and the decision threshold set by its rule (cost, minimum
// precision or best F1), and the same ONNX export, checked against TypeScript. Rows are split in
// time order when the table has a time column, else by a seeded shuffle within each class; there,
// chosen trees are then cross-fitted over all but the holdout (candidate-search.ts), so every row
// fits the model and helps set its threshold.
import { seededRandom } from '@threadline/db/random';
import { derivedName } from '@threadline/db/models/feature-spec';
import { featureNamesOf, type LabelledTable, type TableEncoding } from '@threadline/db/models/labelled-table';
import { resolveDerived, withDerived } from '@threadline/db/models/derived-features';
import { calibrateAndDecide, candidatesFor, chooseOnValidation, crossFittedTrees, decideOnMargins, type SearchFamily } from './candidate-search.ts';
import type { ThresholdRule } from './decision-threshold.ts';
import { searchDerivedFeatures } from './derived-search.ts';
import { scoreRows } from './fit-classifier.ts';
import type { LabelledRows } from './gradient-boosting.ts';
import { auc, averagePrecision, brierScore, confusionAt } from './metrics.ts';
import type { TrainedModel } from './model-families.ts';
import { exportOnnx } from './onnx-export.ts';
import { EXPORT_TOLERANCE, exportDeviation, meanOf } from './train-model.ts';

export type TableFamily = SearchFamily;

const CROSS_FIT_FOLDS = 5;

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

  const chosen = chooseOnValidation(candidatesFor(options.family, options.seed), train, validation);
  const rule = options.rule ?? { kind: 'BEST_F1' };
  // Trees chosen on an untimed table are cross-fitted over all but the holdout (5 folds); otherwise the chosen model as fitted.
  const fitted = { rows: [...train.rows, ...validation.rows], labels: [...train.labels, ...validation.labels] };
  const crossFitted = chosen.boosting && !options.timed ? crossFittedTrees(chosen.boosting, fitted, CROSS_FIT_FOLDS) : null;
  const {
    model,
    decision,
    validation: atValidation,
  } = crossFitted ? decideOnMargins(crossFitted.model, crossFitted.margins, fitted.labels, rule) : calibrateAndDecide(chosen.model, validation, rule);
  const trainingMs = performance.now() - started;
  const threshold = decision.threshold;
  const features = featureNamesOf(encoding);
  const reference = meanOf(train.rows).map(Math.fround);
  const onnx = exportOnnx(model, reference, { name: options.name, features });
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
    encoding,
    features,
    metrics: {
      family: model.family,
      chosen: crossFitted ? `${chosen.label}, cross-fitted over ${CROSS_FIT_FOLDS} folds` : chosen.label,
      auc: auc(holdoutScores, holdout.labels),
      averagePrecision: averagePrecision(holdoutScores, holdout.labels),
      f1: at.f1,
      precision: at.precision,
      recall: at.recall,
      brier: brierScore(holdoutScores, holdout.labels),
      brierUncalibrated: brierScore(scoreRows(chosen.model, holdout.rows), holdout.labels),
      threshold,
      thresholdRule: { ...decision.rule, source: options.ruleSource ?? 'default' },
      calibration: model.calibration ?? null,
      validation: atValidation,
      validationAveragePrecision: chosen.figures,
      derived: encoding.derived!.map(derivedName),
      derivedSearch: search
        ? {
            proposed: search.proposed,
            checked: search.checked,
            averagePrecisionBefore: search.validationPrecision.before,
            averagePrecisionAfter: search.validationPrecision.after,
          }
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
