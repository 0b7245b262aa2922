// Exports a trained model as an ONNX graph (built with onnx-proto, opset 17). Input `features`
// [N, F] of raw feature values; outputs `score` [N] and `contributions` [N, F]: the explanation
// is computed in the same run, by scoring each row again with one feature at a time replaced by
// its reference value (occlusion), as the TypeScript forward pass does.
import { floats, GraphBuilder, ints, onnx, strings, text, valueInfo, type Attribute } from './onnx-graph.ts';
import { ONNX_CONTRACT } from '@threadline/db/models/onnx-contract';
import type { BoostedTree, TrainedModel } from './model-families.ts';
import { featureCount } from './model-families.ts';

const ML_DOMAIN = 'ai.onnx.ml';

export const ONNX_INPUT = ONNX_CONTRACT.input;
export const ONNX_OUTPUTS = { score: ONNX_CONTRACT.score, contributions: ONNX_CONTRACT.contributions } as const;

/**
 * The attributes of an ai.onnx.ml TreeEnsembleClassifier (opset 3, no ZipMap, post_transform NONE)
 * whose class 1 column is the margin bias + Σ trees; the graph applies calibration and the sigmoid. Constant trees (a single leaf) and the bias are
 * folded into the leaves of the first tree that splits, so no tree is a lone leaf; a model with no
 * split at all gets one that splits nowhere.
 */
export function treeEnsembleAttributes(trees: readonly BoostedTree[], bias: number): Attribute[] {
  const constant = trees.filter((t) => t.feature[0]! < 0).reduce((total, t) => total + t.value[0]!, bias);
  const splitting = trees.filter((t) => t.feature[0]! >= 0);
  const kept: BoostedTree[] =
    splitting.length > 0
      ? splitting
      : [{ feature: [0, -1, -1], threshold: [Math.fround(Number.MAX_VALUE), 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, 0, 0] }];
  const nodes = {
    tree: [] as number[],
    node: [] as number[],
    feature: [] as number[],
    mode: [] as string[],
    value: [] as number[],
    yes: [] as number[],
    no: [] as number[],
  };
  const leaves = { tree: [] as number[], node: [] as number[], weight: [] as number[] };
  kept.forEach((tree, t) => {
    tree.feature.forEach((feature, n) => {
      const leaf = feature < 0;
      nodes.tree.push(t);
      nodes.node.push(n);
      nodes.feature.push(leaf ? 0 : feature);
      nodes.mode.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.value.push(leaf ? 0 : tree.threshold[n]!);
      nodes.yes.push(leaf ? 0 : tree.left[n]!);
      nodes.no.push(leaf ? 0 : tree.right[n]!);
      if (!leaf) return;
      leaves.tree.push(t);
      leaves.node.push(n);
      leaves.weight.push(tree.value[n]! + (t === 0 ? constant : 0));
    });
  });
  return [
    ints('nodes_treeids', nodes.tree),
    ints('nodes_nodeids', nodes.node),
    ints('nodes_featureids', nodes.feature),
    strings('nodes_modes', nodes.mode),
    floats('nodes_values', nodes.value),
    ints('nodes_truenodeids', nodes.yes),
    ints('nodes_falsenodeids', nodes.no),
    ints('class_treeids', leaves.tree),
    ints('class_nodeids', leaves.node),
    ints(
      'class_ids',
      leaves.tree.map(() => 1),
    ),
    floats('class_weights', leaves.weight),
    ints('classlabels_int64s', [0, 1]),
    text('post_transform', 'NONE'),
  ];
}

/** Adds a classifier's margin (log-odds) of standardised rows `input` [M, F] → [M, 1]. */
function margin(g: GraphBuilder, model: Exclude<TrainedModel, { family: 'ANOMALY_ZSCORE' }>, prefix: string, input: string): string {
  switch (model.family) {
    case 'LOGISTIC':
      return g.op('Add', [g.op('MatMul', [input, 'w'], `${prefix}_xw`), 'b'], `${prefix}_margin`);
    case 'MLP': {
      const hidden = g.op('Relu', [g.op('Add', [g.op('MatMul', [input, 'w1'], `${prefix}_h0`), 'b1'], `${prefix}_h1`)], `${prefix}_h`);
      return g.op('Add', [g.op('MatMul', [hidden, 'w2'], `${prefix}_o0`), 'b2'], `${prefix}_margin`);
    }
    case 'GBT': {
      const [, columns] = g.opMany(
        'TreeEnsembleClassifier',
        [input],
        [`${prefix}_label`, `${prefix}_columns`],
        treeEnsembleAttributes(model.trees, model.bias),
        ML_DOMAIN,
      );
      // Class 1's column, [M, 1] as the other families give.
      return g.op('Slice', [columns!, 'class1_start', 'class1_end', 'axis1'], `${prefix}_margin`);
    }
  }
}

/** Adds the family's score of standardised rows `input` [M, F] → [M, 1]; parameters are shared. */
function body(g: GraphBuilder, model: TrainedModel, prefix: string, input: string): string {
  switch (model.family) {
    case 'LOGISTIC':
    case 'MLP':
    case 'GBT': {
      const m = margin(g, model, prefix, input);
      const calibrated = model.calibration ? g.op('Add', [g.op('Mul', [m, 'calibration_a'], `${prefix}_scaled`), 'calibration_b'], `${prefix}_calibrated`) : m;
      return g.op('Sigmoid', [calibrated], `${prefix}_score`);
    }
    case 'ANOMALY_ZSCORE': {
      const squared = g.op('Min', [g.op('Mul', [input, input], `${prefix}_z2`), 'cap'], `${prefix}_capped`);
      const energy = g.op('ReduceMean', [squared], `${prefix}_energy`, [
        onnx.AttributeProto.create({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] }),
        onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
      ]);
      const decay = g.op('Exp', [g.op('Neg', [g.op('Mul', [energy, 'rate'], `${prefix}_scaled`)], `${prefix}_neg`)], `${prefix}_decay`);
      return g.op('Sub', ['one', decay], `${prefix}_score`);
    }
  }
}

function addParameters(g: GraphBuilder, model: TrainedModel): void {
  const f = featureCount(model);
  if (model.family !== 'ANOMALY_ZSCORE' && model.calibration) {
    g.floats('calibration_a', [1], [model.calibration.a]);
    g.floats('calibration_b', [1], [model.calibration.b]);
  }
  switch (model.family) {
    case 'LOGISTIC':
      g.floats('w', [f, 1], model.weights);
      g.floats('b', [1], [model.bias]);
      return;
    case 'MLP': {
      const h = model.hiddenBias.length;
      // MatMul(x [M,F], w1 [F,H]): column h holds hidden unit h's weights.
      g.floats(
        'w1',
        [f, h],
        Array.from({ length: f * h }, (_, i) => model.hiddenWeights[i % h]![Math.floor(i / h)]!),
      );
      g.floats('b1', [h], model.hiddenBias);
      g.floats('w2', [h, 1], model.outputWeights);
      g.floats('b2', [1], [model.outputBias]);
      return;
    }
    case 'GBT':
      g.ints('class1_start', [1]);
      g.ints('class1_end', [2]);
      return;
    case 'ANOMALY_ZSCORE':
      g.floats('cap', [1], [model.cap]);
      g.floats('rate', [1], [Math.LN2 / model.halfAt]);
      g.floats('one', [1], [1]);
  }
}

/** The graph's name and feature names; the version number is the registry's, not the file's. */
export interface OnnxMetadata {
  name: string;
  features: string[];
}

/** The model as ONNX bytes; `reference` is the value each feature is occluded with. */
export function exportOnnx(model: TrainedModel, reference: readonly number[], metadata: OnnxMetadata): Uint8Array {
  const f = featureCount(model);
  if (reference.length !== f || metadata.features.length !== f) throw new Error(`the model has ${f} features; reference and names must match`);
  const g = new GraphBuilder();
  g.floats('center', [f], model.standardizer.center);
  g.floats('scale', [f], model.standardizer.scale);
  const zRef = reference.map((r, i) => (r - model.standardizer.center[i]!) / model.standardizer.scale[i]!);
  g.floats(
    'occlusion_keep',
    [f, f],
    Array.from({ length: f * f }, (_, i) => (Math.floor(i / f) === i % f ? 0 : 1)),
  );
  g.floats(
    'occlusion_fill',
    [f, f],
    Array.from({ length: f * f }, (_, i) => (Math.floor(i / f) === i % f ? zRef[i % f]! : 0)),
  );
  g.ints('axis1', [1]);
  g.ints('rows_by_feature', [-1, f]);
  g.ints('flat', [-1]);
  addParameters(g, model);

  const z = g.op('Div', [g.op('Sub', [ONNX_INPUT, 'center'], 'centered'), 'scale'], 'z');
  const full = body(g, model, 'full', z);
  // Row r, feature f of the occluded batch: row r with feature f replaced by its reference.
  const occluded = g.op('Add', [g.op('Mul', [g.op('Unsqueeze', [z, 'axis1'], 'z3'), 'occlusion_keep'], 'kept'), 'occlusion_fill'], 'occluded3');
  const occludedScores = body(g, model, 'occluded', g.op('Reshape', [occluded, 'rows_by_feature'], 'occluded'));
  g.op('Sub', [full, g.op('Reshape', [occludedScores, 'rows_by_feature'], 'occluded_by_feature')], ONNX_OUTPUTS.contributions);
  g.op('Reshape', [full, 'flat'], ONNX_OUTPUTS.score);

  const graph = onnx.GraphProto.create({
    name: metadata.name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(ONNX_INPUT, ['N', f])],
    output: [valueInfo(ONNX_OUTPUTS.score, ['N']), valueInfo(ONNX_OUTPUTS.contributions, ['N', f])],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, ...(model.family === 'GBT' ? [{ domain: ML_DOMAIN, version: 3 }] : [])],
    producerName: 'threadline',
    producerVersion: '1',
    graph,
    metadataProps: [
      { key: 'threadline.family', value: model.family },
      { key: 'threadline.features', value: JSON.stringify(metadata.features) },
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}
