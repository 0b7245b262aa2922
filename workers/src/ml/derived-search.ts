// The automatic search for derived features (issue 18): pairwise products, ratios, differences and
// sums of numeric features, screened cheaply, then kept only where gradient-boosted trees fitted
// with them do better on the validation slice. Failures that come from an interaction of readings
// (power as torque × speed, a temperature margin as a difference) cost a tree many axis-aligned
// splits to approximate, and the one derived column makes them a single split.
// - Screen: each candidate's separation on the training rows (the ROC AUC of its 32-bin failure
//   rates) beside the better of its two inputs'; the largest gains go forward.
// - Keep: the boosted trees are fitted with each screened candidate alone; of those that lower the
//   balanced validation log-loss by at least 2 %, best first, a candidate stays when the loss
//   still falls by 2 % with it beside those already kept.
import { type DerivedFeature, type DerivedOperation } from '@threadline/db/models/feature-spec';
import { derivedValue, resolveDerived, withDerived } from '@threadline/db/models/derived-features';
import { balancedLogLoss, cutPoints, DEFAULT_BOOSTING_PARAMS, fitGradientBoosting, type LabelledRows } from './gradient-boosting.ts';
import { marginOf, type TrainedModel } from './model-families.ts';

/** Candidates that go from the screen to the validation check, and the most the search keeps. */
const SCREENED = 8;
const MOST_KEPT = 6;
/** The relative fall in validation loss a candidate must bring. */
const MIN_IMPROVEMENT = 0.02;
const SCREEN_BINS = 32;

export interface DerivedSearch {
  derived: DerivedFeature[];
  /** Candidates proposed, and how many were checked on validation. */
  proposed: number;
  checked: number;
  validationLoss: { before: number; after: number };
}

/** ROC AUC of a column's per-bin failure rates against the labels (0.5 for a column that says nothing). */
export function separation(values: readonly number[], labels: readonly number[]): number {
  const cuts = cutPoints(values, SCREEN_BINS);
  const positives = new Float64Array(cuts.length + 1);
  const negatives = new Float64Array(cuts.length + 1);
  values.forEach((v, i) => {
    let b = 0;
    while (b < cuts.length && Math.fround(v) > cuts[b]!) b += 1;
    if (labels[i] === 1) positives[b] = positives[b]! + 1;
    else negatives[b] = negatives[b]! + 1;
  });
  const bins = Array.from(positives, (p, b) => ({ p, n: negatives[b]!, rate: (p + 0.5) / (p + negatives[b]! + 1) })).sort((a, b) => a.rate - b.rate);
  const [allP, allN] = [bins.reduce((s, b) => s + b.p, 0), bins.reduce((s, b) => s + b.n, 0)];
  if (allP === 0 || allN === 0) return 0.5;
  let below = 0;
  let area = 0;
  for (const bin of bins) {
    area += bin.p * (below + bin.n / 2);
    below += bin.n;
  }
  return area / (allP * allN);
}

/**
 * Every pairwise candidate over the eligible features: products; ratios over a denominator of one
 * sign; sums and differences of features of like magnitude (mean absolute values within a factor of
 * 4), as quantities in the same unit would be, since adding a temperature to a speed is the speed.
 */
function candidatesOf(names: readonly string[], eligible: readonly number[], rows: readonly Float64Array[]): DerivedFeature[] {
  const oneSign = (j: number) => rows.every((r) => r[j]! > 0) || rows.every((r) => r[j]! < 0);
  const magnitude = new Map(eligible.map((j) => [j, rows.reduce((s, r) => s + Math.abs(r[j]!), 0) / rows.length]));
  const alike = (i: number, j: number) => {
    const [a, b] = [magnitude.get(i)!, magnitude.get(j)!];
    return Math.min(a, b) > 0 && Math.max(a, b) / Math.min(a, b) <= 4;
  };
  const candidates: DerivedFeature[] = [];
  eligible.forEach((i, a) =>
    eligible.slice(a + 1).forEach((j) => {
      const pair = (op: DerivedOperation, left: number, right: number) => candidates.push({ op, left: names[left]!, right: names[right]! });
      pair('product', i, j);
      if (alike(i, j)) {
        pair('difference', i, j);
        pair('sum', i, j);
      }
      if (oneSign(j)) pair('ratio', i, j);
      if (oneSign(i)) pair('ratio', j, i);
    }),
  );
  return candidates;
}

/** The judge: boosted trees with a faster schedule than the final fit (larger steps, shorter patience). */
function boostedLoss(train: LabelledRows, validation: LabelledRows, seed: number): number {
  const model = fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, learningRate: 0.2, patience: 15, seed }) as Exclude<
    TrainedModel,
    { family: 'ANOMALY_ZSCORE' }
  >;
  return balancedLogLoss(
    validation.rows.map((r) => marginOf(model, Array.from(r))),
    validation.labels,
  );
}

/** Derived features of `names` (among the `eligible` positions) that improve validation, in the order found. */
export function searchDerivedFeatures(
  names: readonly string[],
  eligible: readonly number[],
  train: LabelledRows,
  validation: LabelledRows,
  seed: number,
): DerivedSearch {
  const candidates = candidatesOf(names, eligible, train.rows);
  const column = (j: number) => train.rows.map((r) => r[j]!);
  const own = new Map(eligible.map((j) => [j, separation(column(j), train.labels)]));
  const screened = candidates
    .map((candidate) => {
      const [d] = resolveDerived(names, [candidate]);
      const values = train.rows.map((r) => derivedValue(d!.op, r[d!.left]!, r[d!.right]!));
      return { candidate, gain: separation(values, train.labels) - Math.max(own.get(d!.left)!, own.get(d!.right)!) };
    })
    .filter((c) => c.gain > 0)
    .sort((a, b) => b.gain - a.gain)
    .slice(0, SCREENED);
  const extend = (rows: LabelledRows, derived: DerivedFeature[]): LabelledRows => {
    const resolved = resolveDerived(names, derived);
    return { rows: rows.rows.map((r) => withDerived(r, resolved)), labels: rows.labels };
  };
  const lossWith = (derived: DerivedFeature[]) => boostedLoss(extend(train, derived), extend(validation, derived), seed);
  const before = lossWith([]);
  // Each screened candidate alone, then added best first while each still brings its share.
  // A candidate that does not help alone is not tried beside others.
  const alone = screened
    .map(({ candidate }) => ({ candidate, loss: lossWith([candidate]) }))
    .filter((c) => c.loss < before * (1 - MIN_IMPROVEMENT))
    .sort((a, b) => a.loss - b.loss);
  const kept: DerivedFeature[] = [];
  let loss = before;
  for (const { candidate, loss: single } of alone) {
    if (kept.length >= MOST_KEPT) break;
    const next = kept.length === 0 ? single : lossWith([...kept, candidate]);
    if (next < loss * (1 - MIN_IMPROVEMENT)) {
      kept.push(candidate);
      loss = next;
    }
  }
  return { derived: kept, proposed: candidates.length, checked: screened.length, validationLoss: { before, after: loss } };
}
