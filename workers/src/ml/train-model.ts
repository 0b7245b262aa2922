// One training run, start to finish: the feature spec from the asset type, labelled windows from
// the data window, the family's fit, holdout metrics, the reference profile, and the ONNX export,
// checked against the TypeScript forward pass before anything is registered.
import {
  aggregateNames,
  derivedName,
  derivedProblems,
  featureNames,
  MAX_CATEGORIES,
  type CategoricalInput,
  type FeatureSpec,
} from '@threadline/db/models/feature-spec';
import type { TrainingSource } from '@threadline/db/models/training-data';
import type { TrainingParams } from '@threadline/db/models/training-params';
import { buildDataset, validationSplit, type Dataset } from './dataset.ts';
import { searchDerivedFeatures } from './derived-search.ts';
import { calibrateAndDecide, candidatesFor, chooseOnValidation, type Candidate } from './candidate-search.ts';
import { resolveDerived, withDerived } from '@threadline/db/models/derived-features';
import { fitAnomalyDetector } from './fit-anomaly.ts';
import { fitClassifier, scoreRows } from './fit-classifier.ts';
import { DEFAULT_BOOSTING_PARAMS, fitGradientBoosting } from './gradient-boosting.ts';
import { auc, averagePrecision, brierScore, confusionAt } from './metrics.ts';
import { explain, toFloat32, type TrainedModel } from './model-families.ts';
import type { ThresholdRule } from './decision-threshold.ts';
import { exportOnnx } from './onnx-export.ts';
import { OnnxRunner, packRows } from './onnx-runner.ts';
import { referenceProfile, type FeatureProfile } from './profile.ts';

export interface ModelToTrain {
  id: string;
  name: string;
  task: string;
  assetTypeId: string | null;
}

export interface TrainingOutcome {
  family: TrainedModel['family'];
  model: TrainedModel;
  spec: FeatureSpec;
  onnx: Uint8Array;
  threshold: number;
  metrics: Record<string, unknown>;
  profile: FeatureProfile[];
  /** The training windows' scores, profiled like a feature (for prediction drift). */
  scoreProfile: FeatureProfile;
  /** The time-split holdout and the model's scores on it (for the comparison with the champion). */
  holdout: Dataset;
  holdoutScores: number[];
}

/** Raised for runs that cannot succeed however often they are retried. */
export class TrainingRefused extends Error {}

/** Largest difference allowed between ONNX and the TypeScript forward pass. */
export const EXPORT_TOLERANCE = 1e-5;

/** The threshold rule a run uses and where it came from (its parameters, the use case's KPI, or the default). */
export interface RunRule {
  rule: ThresholdRule;
  source: string;
}

/** A classifier chosen on validation: calibrated there, its threshold set there by the rule, and its figures there. */
interface Decided {
  model: TrainedModel;
  threshold: number;
  validation: Record<string, number | null>;
  rule: (ThresholdRule & { source: string }) | null;
  /** With AUTO: the candidate chosen and every candidate's validation average precision. */
  search: { chosen: string; validationAveragePrecision: Record<string, number | null> } | null;
}

/** The families trained on feature windows (STREAMING plays the series through its detector: train-streaming.ts; CNN learns from frames: vision/train-frames.ts). */
type RunFamily = Exclude<NonNullable<TrainingParams['family']>, 'STREAMING' | 'CNN'>;

/** The candidates of a run's family: AUTO searches all three (candidate-search.ts); a named family is fitted as its parameters say. */
function candidatesOf(family: Exclude<RunFamily, 'ANOMALY_ZSCORE'>, params: TrainingParams): Candidate[] {
  switch (family) {
    case 'AUTO':
      return candidatesFor('auto', params.seed, params);
    case 'GBT':
      return [{ label: 'gbt', fit: (fit, validation) => fitGradientBoosting(fit, validation, { ...DEFAULT_BOOSTING_PARAMS, seed: params.seed }) }];
    default:
      return [{ label: family.toLowerCase(), fit: (fit) => fitClassifier(fit.rows, fit.labels, { ...params, family }) }];
  }
}

/**
 * The family fitted on the training window. Classifiers fit on all but a validation slice of it
 * (the latest 20 % in time, dataset.ts), on which AUTO chooses among candidates, trees stop early,
 * the margin is calibrated (Platt), the threshold is set by the rule and the validation figures are
 * taken; the holdout stays untouched. The anomaly detector learns normal windows and flags at 0.5.
 */
function fitAndDecide(family: RunFamily, train: Dataset, params: TrainingParams, runRule: RunRule): Decided {
  if (family === 'ANOMALY_ZSCORE')
    return {
      model: toFloat32(fitAnomalyDetector(train.rows.filter((_, i) => train.labels[i] === 0))),
      threshold: 0.5,
      validation: {},
      rule: null,
      search: null,
    };
  const { fit, validation } = validationSplit(train);
  const chosen = chooseOnValidation(candidatesOf(family, params), fit, validation);
  const decided = calibrateAndDecide(chosen.model, validation, runRule.rule);
  return {
    model: decided.model,
    threshold: decided.decision.threshold,
    rule: { ...runRule.rule, source: runRule.source },
    validation: decided.validation,
    search: family === 'AUTO' ? { chosen: chosen.label, validationAveragePrecision: chosen.figures } : null,
  };
}

export async function trainModel(
  source: TrainingSource,
  model: ModelToTrain,
  window: { from: Date; to: Date },
  params: TrainingParams,
  runRule: RunRule = { rule: { kind: 'BEST_F1' }, source: 'default' },
): Promise<TrainingOutcome> {
  if (!model.assetTypeId) throw new TrainingRefused(`model ${model.name} names no asset type; set assetTypeId to train it here`);
  const family = params.family ?? (model.task === 'ANOMALY_DETECTION' ? 'ANOMALY_ZSCORE' : 'LOGISTIC');
  if (family === 'STREAMING' || family === 'CNN')
    throw new TrainingRefused(`a ${family === 'CNN' ? 'vision model learns from camera frames' : 'streaming detector is not trained'}, not feature windows`);
  const properties = await source.properties();
  // A state signal named as a categorical input is not also aggregated as a number unless named in `signals`.
  const states = new Set(params.categorical.filter((c) => c.source === 'SIGNAL').map((c) => c.name));
  const chosen = params.signals ? params.signals.map((n) => properties.find((p) => p.name === n) ?? n) : properties.filter((p) => !states.has(p.name));
  const unknown = chosen.filter((p): p is string => typeof p === 'string');
  if (unknown.length > 0) throw new TrainingRefused(`the asset type has no numeric property ${unknown.join(', ')}`);
  const signals = chosen as typeof properties;
  if (signals.length === 0) throw new TrainingRefused('the asset type has no numeric properties to learn from');
  const assets = await source.assets(params.assetIds ?? null);
  const categorical = await categoricalInputs(source, params, assets, window);
  // Complete windows only: a provisional reference stands in until training fixes the real one.
  const declared = {
    version: 1 as const,
    windowSeconds: params.windowSeconds,
    stepSeconds: params.stepSeconds,
    signals,
    aggregates: params.aggregates,
    ...(categorical.length > 0 ? { categorical } : {}),
  };
  const problems = derivedProblems(aggregateNames(declared), params.derived);
  if (problems.length > 0) throw new TrainingRefused(problems.join('; '));
  const provisional: FeatureSpec = {
    ...declared,
    ...(params.derived.length > 0 ? { derived: params.derived } : {}),
    reference: [],
  };
  provisional.reference = featureNames(provisional).map(() => 0);
  const built = await buildDataset(source, provisional, {
    assetIds: assets,
    from: window.from,
    to: window.to,
    stepSeconds: params.trainingStepSeconds,
    horizonMinutes: params.horizonMinutes,
  });
  const { incidents } = built;
  if (built.train.rows.length < 50)
    throw new TrainingRefused(`only ${built.train.rows.length} training windows in the data window; widen it or wait for more data`);
  const {
    spec: searched,
    train,
    holdout,
  } = params.searchDerived && family !== 'ANOMALY_ZSCORE' ? withSearchedFeatures(provisional, built, params.seed) : { spec: provisional, ...built };

  const decided = fitAndDecide(family, train, params, runRule);
  const { model: trained, threshold } = decided;
  const reference = family === 'ANOMALY_ZSCORE' ? trained.standardizer.center : meanOf(train.rows);
  const spec: FeatureSpec = { ...searched, reference: reference.map(Math.fround) };
  const names = featureNames(spec);
  const trainScores = scoreRows(trained, train.rows);
  const onnx = exportOnnx(trained, spec.reference, { name: model.name, features: names });
  const deviation = await exportDeviation(trained, onnx, spec.reference, holdout.rows.length > 0 ? holdout : train);
  if (deviation > EXPORT_TOLERANCE) throw new Error(`the ONNX export differs from the TypeScript model by ${deviation}; not registered`);
  const holdoutScores = scoreRows(trained, holdout.rows);
  return {
    family: trained.family,
    model: trained,
    spec,
    onnx,
    threshold,
    metrics: {
      ...metricsOf(trained, train, holdout, holdoutScores, threshold, trainScores, deviation, incidents),
      ...(decided.rule
        ? {
            thresholdRule: decided.rule,
            validation: decided.validation,
            calibration: trained.family === 'ANOMALY_ZSCORE' ? null : (trained.calibration ?? null),
          }
        : {}),
      ...decided.search,
    },
    // The whole data window, not the training split alone: the held-out tail of a day would leave
    // part of the daily cycle out of the reference, and drift checks over whole days would flag it.
    profile: referenceProfile(names, [...train.rows, ...holdout.rows]),
    scoreProfile: referenceProfile(
      ['score'],
      trainScores.map((v) => Float64Array.of(v)),
    )[0]!,
    holdout,
    holdoutScores,
  };
}

/** The run's categorical inputs with the values each takes on the assets in the data window; refused when one has none or too many. */
async function categoricalInputs(
  source: TrainingSource,
  params: TrainingParams,
  assets: readonly string[],
  window: { from: Date; to: Date },
): Promise<CategoricalInput[]> {
  const range = { after: window.from.getTime() - params.windowSeconds * 1000, upTo: window.to.getTime() };
  const inputs: CategoricalInput[] = [];
  for (const input of params.categorical) {
    const what = input.source === 'ASSET' ? `the asset attribute ${input.name}` : `the state signal ${input.name}`;
    const categories = await source.categories(input, assets, range);
    if (categories.length === 0) throw new TrainingRefused(`${what} has no value on the model's assets in the data window`);
    if (categories.length > MAX_CATEGORIES)
      throw new TrainingRefused(`${what} takes ${categories.length} values; a categorical input takes at most ${MAX_CATEGORIES} (is it a measurement?)`);
    inputs.push({ ...input, categories });
  }
  return inputs;
}

/**
 * The derived-feature search (derived-search.ts) over the aggregates, on the validation slice of the
 * training windows; the features it keeps join the spec after the declared ones, and every row.
 */
function withSearchedFeatures(
  spec: FeatureSpec,
  data: { train: Dataset; holdout: Dataset },
  seed: number,
): { spec: FeatureSpec; train: Dataset; holdout: Dataset } {
  const { fit, validation } = validationSplit(data.train);
  const names = featureNames(spec);
  const eligible = aggregateNames(spec).map((_, i) => i);
  const found = searchDerivedFeatures(names, eligible, fit, validation, seed).derived.filter((d) => !names.includes(derivedName(d)));
  if (found.length === 0) return { spec, ...data };
  // The found features combine aggregates, which come first in every row: resolved over them, they append after the declared ones.
  const resolved = resolveDerived(aggregateNames(spec), found);
  const extend = (d: Dataset): Dataset => ({ ...d, rows: d.rows.map((r) => withDerived(r, resolved)) });
  const derived = [...(spec.derived ?? []), ...found];
  return { spec: { ...spec, derived, reference: [...spec.reference, ...found.map(() => 0)] }, train: extend(data.train), holdout: extend(data.holdout) };
}

export function meanOf(rows: readonly Float64Array[]): number[] {
  return Array.from({ length: rows[0]!.length }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
}

function metricsOf(
  model: TrainedModel,
  train: Dataset,
  holdout: Dataset,
  holdoutScores: number[],
  threshold: number,
  trainScores: number[],
  deviation: number,
  incidents: number,
) {
  const at = confusionAt(holdoutScores, holdout.labels, threshold);
  return {
    family: model.family,
    threshold,
    trainWindows: train.rows.length,
    trainPositives: train.labels.filter((l) => l === 1).length,
    holdoutWindows: holdout.rows.length,
    holdoutPositives: at.positives,
    incidents,
    trainAuc: auc(trainScores, train.labels),
    auc: auc(holdoutScores, holdout.labels),
    averagePrecision: averagePrecision(holdoutScores, holdout.labels),
    brier: brierScore(holdoutScores, holdout.labels),
    precision: at.precision,
    recall: at.recall,
    f1: at.f1,
    onnxMaxDeviation: deviation,
  };
}

/** The largest difference between the ONNX graph and the TypeScript model, scores and contributions, on up to 300 rows. */
export async function exportDeviation(
  model: TrainedModel,
  onnx: Uint8Array,
  reference: readonly number[],
  data: { rows: readonly Float64Array[] },
): Promise<number> {
  const rows = data.rows.slice(0, 300).map((r) => Float64Array.from(r, Math.fround));
  const f = reference.length;
  const runner = await OnnxRunner.load(onnx, f);
  try {
    const out = await runner.run(packRows(rows, f), rows.length);
    let worst = 0;
    const scores = scoreRows(model, rows);
    rows.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(out.scores[i]! - scores[i]!));
      explain(model, x, reference).forEach((c, j) => {
        worst = Math.max(worst, Math.abs(out.contributions[i * f + j]! - c));
      });
    });
    return worst;
  } finally {
    await runner.release();
  }
}
