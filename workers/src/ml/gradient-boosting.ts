// Gradient-boosted decision trees for failure risk: logistic loss, second-order (Newton) leaves,
// histogram splits over at most 256 bins per feature (cut points at quantiles, held as float32 so
// that a split means the same in TypeScript and in onnxruntime), shrinkage, depth and leaf limits,
// row subsampling, L2 on leaf values, class-balanced weights as the other families use, and early
// stopping on a validation slice. Deterministic for a seed.
import { seededRandom } from '@threadline/db/random';
import { treeOutput, type BoostedTree, type TrainedModel } from './model-families.ts';

export interface BoostingParams {
  /** Most boosting rounds; early stopping usually ends sooner. */
  rounds: number;
  learningRate: number;
  maxDepth: number;
  /** Fewest training rows a leaf may hold. */
  minLeafRows: number;
  /** L2 penalty on leaf values. */
  l2: number;
  /** Bins per feature, at most 256. */
  bins: number;
  /** Share of rows each tree sees. */
  subsample: number;
  /** Rounds without a better validation loss before stopping. */
  patience: number;
  seed: number;
}

export const DEFAULT_BOOSTING_PARAMS: BoostingParams = {
  rounds: 400,
  learningRate: 0.08,
  maxDepth: 4,
  minLeafRows: 8,
  l2: 1,
  bins: 256,
  subsample: 0.8,
  patience: 30,
  seed: 7,
};

export interface LabelledRows {
  rows: readonly Float64Array[];
  labels: readonly number[];
}

/** Quantile cut points of one feature, as float32, strictly increasing; a value goes left of cut i when value ≤ cut i. */
export function cutPoints(values: readonly number[], bins: number): number[] {
  const sorted = values.map(Math.fround).sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let b = 1; b < bins; b += 1) {
    const cut = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))]!;
    if (cut < sorted[sorted.length - 1]! && (cuts.length === 0 || cut > cuts[cuts.length - 1]!)) cuts.push(cut);
  }
  return cuts;
}

/** The bin of a value: the first cut it does not exceed, or the last bin. */
function binOf(cuts: readonly number[], value: number): number {
  const v = Math.fround(value);
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= cuts[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

class TreeBuilder {
  readonly tree: BoostedTree = { feature: [], threshold: [], left: [], right: [], value: [] };

  constructor(
    private readonly binned: Uint8Array[],
    private readonly cuts: number[][],
    private readonly grad: Float64Array,
    private readonly hess: Float64Array,
    private readonly params: BoostingParams,
  ) {}

  /** Grows the node of `rows` and returns its index. */
  grow(rows: Uint32Array, depth: number): number {
    let g = 0;
    let h = 0;
    for (const r of rows) {
      g += this.grad[r]!;
      h += this.hess[r]!;
    }
    const node = this.tree.feature.length;
    this.tree.feature.push(-1);
    this.tree.threshold.push(0);
    this.tree.left.push(-1);
    this.tree.right.push(-1);
    this.tree.value.push((-g / (h + this.params.l2)) * this.params.learningRate);
    const split = depth < this.params.maxDepth && rows.length >= 2 * this.params.minLeafRows ? this.bestSplit(rows, g, h) : null;
    if (!split) return node;
    const column = this.binned[split.feature]!;
    const goesLeft = rows.filter((r) => column[r]! <= split.bin);
    const goesRight = rows.filter((r) => column[r]! > split.bin);
    this.tree.feature[node] = split.feature;
    this.tree.threshold[node] = this.cuts[split.feature]![split.bin]!;
    this.tree.left[node] = this.grow(goesLeft, depth + 1);
    this.tree.right[node] = this.grow(goesRight, depth + 1);
    return node;
  }

  private bestSplit(rows: Uint32Array, g: number, h: number): Split | null {
    const { l2, minLeafRows } = this.params;
    const parent = (g * g) / (h + l2);
    let best: Split | null = null;
    for (let f = 0; f < this.binned.length; f += 1) {
      const bins = this.cuts[f]!.length + 1;
      if (bins < 2) continue;
      const hg = new Float64Array(bins);
      const hh = new Float64Array(bins);
      const hn = new Uint32Array(bins);
      const column = this.binned[f]!;
      for (const r of rows) {
        const b = column[r]!;
        hg[b] = hg[b]! + this.grad[r]!;
        hh[b] = hh[b]! + this.hess[r]!;
        hn[b] = hn[b]! + 1;
      }
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (let b = 0; b < bins - 1; b += 1) {
        gl += hg[b]!;
        hl += hh[b]!;
        nl += hn[b]!;
        if (nl < minLeafRows) continue;
        if (rows.length - nl < minLeafRows) break;
        const gr = g - gl;
        const hr = h - hl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
        if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature: f, bin: b, gain };
      }
    }
    return best;
  }
}

/** Log-loss of log-odds `margin` with failures and normal rows weighing half each: what early stopping judges by. */
export function balancedLogLoss(margin: ArrayLike<number>, labels: readonly number[]): number {
  return logLoss(margin, labels, balancedWeights(labels));
}

/** Mean weighted log-loss of log-odds `margin` against labels. */
function logLoss(margin: ArrayLike<number>, labels: readonly number[], weights: Float64Array): number {
  let total = 0;
  for (let i = 0; i < margin.length; i += 1) {
    const p = 1 / (1 + Math.exp(-margin[i]!));
    total -= weights[i]! * (labels[i] === 1 ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15)));
  }
  return total;
}

function balancedWeights(labels: readonly number[]): Float64Array {
  const positives = labels.filter((l) => l === 1).length;
  return Float64Array.from(labels, (l) => (l === 1 ? 0.5 / positives : 0.5 / (labels.length - positives)));
}

/**
 * Boosts trees on `train` until `validation`'s log-loss has not improved for `patience` rounds,
 * and keeps the trees up to its best round.
 */
export function fitGradientBoosting(train: LabelledRows, validation: LabelledRows, params: BoostingParams = DEFAULT_BOOSTING_PARAMS): TrainedModel {
  const n = train.rows.length;
  const f = train.rows[0]!.length;
  const positives = train.labels.filter((l) => l === 1).length;
  if (positives === 0 || positives === n) throw new Error('training needs both failures and normal operation in the data window');
  const cuts = Array.from({ length: f }, (_, j) =>
    cutPoints(
      train.rows.map((r) => r[j]!),
      Math.min(256, params.bins),
    ),
  );
  const binned = cuts.map((c, j) => Uint8Array.from(train.rows, (r) => binOf(c, r[j]!)));
  const weights = balancedWeights(train.labels);
  // Weights sum to 1; scaled so that minimum hessians and L2 mean the same at any table size.
  for (let i = 0; i < n; i += 1) weights[i] = weights[i]! * n;
  const validationWeights = balancedWeights(validation.labels);
  const margin = new Float64Array(n);
  const validationMargin = new Float64Array(validation.rows.length);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const random = seededRandom(params.seed);
  const trees: BoostedTree[] = [];
  let bestLoss = logLoss(validationMargin, validation.labels, validationWeights);
  let bestRounds = 0;
  for (let round = 0; round < params.rounds && round - bestRounds < params.patience; round += 1) {
    for (let i = 0; i < n; i += 1) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      grad[i] = (p - train.labels[i]!) * weights[i]!;
      hess[i] = Math.max(p * (1 - p), 1e-6) * weights[i]!;
    }
    const sample = Uint32Array.from({ length: n }, (_, i) => i).filter(() => random() < params.subsample);
    const builder = new TreeBuilder(binned, cuts, grad, hess, params);
    builder.grow(sample, 0);
    const tree = builder.tree;
    trees.push(tree);
    for (let i = 0; i < n; i += 1) margin[i] = margin[i]! + treeOutput(tree, train.rows[i]!);
    for (let i = 0; i < validation.rows.length; i += 1) validationMargin[i] = validationMargin[i]! + treeOutput(tree, validation.rows[i]!);
    const loss = logLoss(validationMargin, validation.labels, validationWeights);
    if (loss < bestLoss - 1e-9) {
      bestLoss = loss;
      bestRounds = round + 1;
    }
  }
  return {
    family: 'GBT',
    standardizer: { center: Array.from({ length: f }, () => 0), scale: Array.from({ length: f }, () => 1) },
    trees: trees.slice(0, Math.max(1, bestRounds)),
    bias: 0,
  };
}
