// The automatic search for derived features (issue 18): pairwise products, ratios, differences and
// sums of numeric features, screened cheaply, then kept only where gradient-boosted trees fitted
// with them do better on the validation slice. Failures that come from an interaction of readings
// (power as torque × speed, a temperature margin as a difference) cost a tree many axis-aligned
// splits to approximate, and the one derived column makes them a single split.
// - Screen: each candidate's separation on the training rows (the ROC AUC of its 32-bin failure
//   rates) beside the better of its two inputs'. Proposed: those gaining at least 0.01 and 30 % of
//   the best gain, the best operation per pair of inputs (a margin as a difference and as a ratio
//   say the same), at most 4, best first.
// - Keep: the proposed set as a whole, when boosted trees fitted with it reach a higher average
//   precision on the validation slice than without; else none. Judged one by one, by log-loss, a
//   few unforeseeable failures in the slice decided, and real interactions were dropped on some
//   splits; a set judged by a ranking measure gives a steadier verdict.
import { type DerivedFeature, type DerivedOperation } from '@threadline/db/models/feature-spec';
import { derivedValue, resolveDerived, withDerived } from '@threadline/db/models/derived-features';
import { cutPoints, DEFAULT_BOOSTING_PARAMS, fitGradientBoosting, type LabelledRows } from './gradient-boosting.ts';
import { marginOf, type TrainedModel } from './model-families.ts';
import { averagePrecision } from './metrics.ts';

/** The most the search proposes, the least gain it proposes (absolute, and as a share of the best). */
const MOST_PROPOSED = 4;
const MIN_GAIN = 0.01;
const MIN_SHARE_OF_BEST = 0.3;
const SCREEN_BINS = 32;

export interface DerivedSearch {
  derived: DerivedFeature[];
  /** Candidates screened, and how many the screen proposed for the validation check. */
  proposed: number;
  checked: number;
  /** The judge's validation average precision without and with the proposed set (null when the screen proposed none). */
  validationPrecision: { before: number | null; after: number | null };
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

/** The judge: the validation average precision of boosted trees on a faster schedule than the final fit (larger steps, shorter patience). */
function boostedPrecision(train: LabelledRows, validation: LabelledRows, seed: number): number {
  const model = fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, learningRate: 0.2, patience: 15, seed }) as Exclude<
    TrainedModel,
    { family: 'ANOMALY_ZSCORE' }
  >;
  return averagePrecision(
    validation.rows.map((r) => marginOf(model, Array.from(r))),
    validation.labels,
  )!;
}

/** Derived features of `names` (among the `eligible` positions) that improve validation, best first. */
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
    .sort((a, b) => b.gain - a.gain);
  const best = screened[0]?.gain ?? 0;
  // One per pair of inputs, its best operation (a margin as a difference and as a ratio say the same).
  const pairs = new Set<string>();
  const proposed = screened
    .filter((c) => c.gain >= MIN_GAIN && c.gain >= MIN_SHARE_OF_BEST * best)
    .filter(({ candidate: { left, right } }) => {
      const pair = [left, right].sort().join('\u0000');
      return !pairs.has(pair) && Boolean(pairs.add(pair));
    })
    .slice(0, MOST_PROPOSED)
    .map((c) => c.candidate);
  if (proposed.length === 0) return { derived: [], proposed: candidates.length, checked: 0, validationPrecision: { before: null, after: null } };
  const extend = (rows: LabelledRows, derived: DerivedFeature[]): LabelledRows => {
    const resolved = resolveDerived(names, derived);
    return { rows: rows.rows.map((r) => withDerived(r, resolved)), labels: rows.labels };
  };
  const precisionWith = (derived: DerivedFeature[]) => boostedPrecision(extend(train, derived), extend(validation, derived), seed);
  const [before, after] = [precisionWith([]), precisionWith(proposed)];
  return { derived: after > before ? proposed : [], proposed: candidates.length, checked: proposed.length, validationPrecision: { before, after } };
}
