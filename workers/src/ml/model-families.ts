// The model families Threadline trains, as plain parameters, and their TypeScript forward pass:
// a failure-risk classifier (logistic regression, a one-hidden-layer MLP or gradient-boosted
// trees) and a streaming
// anomaly detector (robust z-scores of the window's features against normal operation). Every
// family standardises its raw features first; explanations occlude one feature at a time with
// its reference value. The ONNX export (onnx-export.ts) computes exactly this.

export interface Standardizer {
  center: number[];
  scale: number[];
}

/** One regression tree as parallel node arrays: a leaf has feature -1; `x[feature] ≤ threshold` goes left. */
export interface BoostedTree {
  feature: number[];
  /** float32 values, as onnxruntime compares them. */
  threshold: number[];
  left: number[];
  right: number[];
  /** Log-odds a leaf adds (0 on split nodes' own entries unless a leaf). */
  value: number[];
}

/** Platt scaling of a classifier's margin (calibration.ts): score = sigmoid(a · margin + b). */
export interface MarginCalibration {
  a: number;
  b: number;
}

export type TrainedModel =
  | { family: 'LOGISTIC'; standardizer: Standardizer; weights: number[]; bias: number; calibration?: MarginCalibration }
  /** Gradient-boosted trees (gradient-boosting.ts) on raw features: its standardizer is the identity. */
  | { family: 'GBT'; standardizer: Standardizer; trees: BoostedTree[]; bias: number; calibration?: MarginCalibration }
  | {
      family: 'MLP';
      standardizer: Standardizer;
      hiddenWeights: number[][];
      hiddenBias: number[];
      outputWeights: number[];
      outputBias: number;
      calibration?: MarginCalibration;
    }
  /** Score 1 - exp(-ln2 · mean(min(z², cap)) / halfAt): 0.5 where normal windows' 99.5th percentile lies. */
  | { family: 'ANOMALY_ZSCORE'; standardizer: Standardizer; cap: number; halfAt: number };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function standardize(s: Standardizer, x: ArrayLike<number>): number[] {
  return Array.from({ length: s.center.length }, (_, f) => (x[f]! - s.center[f]!) / s.scale[f]!);
}

/** A classifier's margin (log-odds before calibration) of standardised features. */
export function marginOf(model: Exclude<TrainedModel, { family: 'ANOMALY_ZSCORE' }>, z: readonly number[]): number {
  switch (model.family) {
    case 'LOGISTIC':
      return dot(model.weights, z) + model.bias;
    case 'MLP': {
      const hidden = model.hiddenWeights.map((w, h) => Math.max(0, dot(w, z) + model.hiddenBias[h]!));
      return dot(model.outputWeights, hidden) + model.outputBias;
    }
    case 'GBT':
      return model.trees.reduce((total, tree) => total + treeOutput(tree, z), model.bias);
  }
}

/** The score of standardised features. */
export function scoreStandardized(model: TrainedModel, z: readonly number[]): number {
  switch (model.family) {
    case 'LOGISTIC':
    case 'MLP':
    case 'GBT': {
      const m = marginOf(model, z);
      return sigmoid(model.calibration ? model.calibration.a * m + model.calibration.b : m);
    }
    case 'ANOMALY_ZSCORE': {
      const energy = z.reduce((total, v) => total + Math.min(v * v, model.cap), 0) / z.length;
      return 1 - Math.exp(-(energy / model.halfAt) * Math.LN2);
    }
  }
}

/** The log-odds one tree adds for a row, comparing as float32 as onnxruntime does. */
export function treeOutput(tree: BoostedTree, x: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = Math.fround(x[tree.feature[node]!]!) <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  return tree.value[node]!;
}

export function score(model: TrainedModel, x: ArrayLike<number>): number {
  return scoreStandardized(model, standardize(model.standardizer, x));
}

/**
 * Per-feature contributions: the score minus the score with that feature replaced by its
 * reference value. Positive: the feature pushed the score up.
 */
export function explain(model: TrainedModel, x: ArrayLike<number>, reference: readonly number[]): number[] {
  const z = standardize(model.standardizer, x);
  const zRef = standardize(model.standardizer, reference);
  const full = scoreStandardized(model, z);
  return z.map((_, f) => {
    const occluded = [...z];
    occluded[f] = zRef[f]!;
    return full - scoreStandardized(model, occluded);
  });
}

export function featureCount(model: TrainedModel): number {
  return model.standardizer.center.length;
}

/** The same model with every parameter rounded to float32, as ONNX will hold it. */
export function toFloat32(model: TrainedModel): TrainedModel {
  const r = (values: readonly number[]) => values.map(Math.fround);
  const standardizer = { center: r(model.standardizer.center), scale: r(model.standardizer.scale) };
  const calibration =
    model.family !== 'ANOMALY_ZSCORE' && model.calibration ? { calibration: { a: Math.fround(model.calibration.a), b: Math.fround(model.calibration.b) } } : {};
  switch (model.family) {
    case 'LOGISTIC':
      return { ...model, ...calibration, standardizer, weights: r(model.weights), bias: Math.fround(model.bias) };
    case 'MLP':
      return {
        ...model,
        ...calibration,
        standardizer,
        hiddenWeights: model.hiddenWeights.map(r),
        hiddenBias: r(model.hiddenBias),
        outputWeights: r(model.outputWeights),
        outputBias: Math.fround(model.outputBias),
      };
    case 'GBT':
      return {
        ...model,
        ...calibration,
        standardizer,
        trees: model.trees.map((t) => ({ ...t, threshold: r(t.threshold), value: r(t.value) })),
        bias: Math.fround(model.bias),
      };
    case 'ANOMALY_ZSCORE':
      return { ...model, standardizer, cap: Math.fround(model.cap), halfAt: Math.fround(model.halfAt) };
  }
}

function dot(a: readonly number[], b: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 1) total += a[i]! * b[i]!;
  return total;
}
