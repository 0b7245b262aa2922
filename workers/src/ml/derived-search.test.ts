// The derived-feature search: it keeps the product behind failures that come from an interaction of
// two readings, keeps nothing when failures are unrelated to the readings, and the boosted trees
// fitted with what it keeps do better on rows they never saw.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { searchDerivedFeatures, separation } from './derived-search.ts';
import { resolveDerived, withDerived } from '@threadline/db/models/derived-features';
import { balancedLogLoss, fitGradientBoosting, type LabelledRows } from './gradient-boosting.ts';
import { averagePrecision } from './metrics.ts';
import { marginOf, score, type TrainedModel } from './model-families.ts';

/** Rows of a and b (log-uniform over 0.5-20) and noise c; a failure where a × b exceeds 40, or at random (1 %). */
function rows(n: number, seed: number, related = true): LabelledRows {
  const random = seededRandom(seed);
  const out: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const [a, b, c] = [0.5 * 40 ** random(), 0.5 * 40 ** random(), random()];
    out.push(Float64Array.of(a, b, c));
    labels.push((related ? a * b > 40 : random() < 0.15) || random() < 0.01 ? 1 : 0);
  }
  return { rows: out, labels };
}

const names = ['a', 'b', 'c'];

describe('the derived-feature search', () => {
  it('rates how well a column separates failures: near 0.5 for noise (binned on the same rows, a little over), near 1 for a clean cut', () => {
    const { rows: r, labels } = rows(3_000, 1);
    expect(
      separation(
        r.map((x) => x[2]!),
        labels,
      ),
    ).toBeLessThan(0.6);
    expect(
      separation(
        r.map((x) => x[0]!),
        labels,
      ),
    ).toBeGreaterThan(0.75);
    expect(
      separation(
        r.map((x) => x[0]! * x[1]!),
        labels,
      ),
    ).toBeGreaterThan(0.97);
  });

  it('keeps the product behind interaction failures, and trees fitted with it do better on new rows', () => {
    const [train, validation, holdout] = [rows(3_000, 2), rows(1_000, 3), rows(3_000, 4)];
    const search = searchDerivedFeatures(names, [0, 1, 2], train, validation, 7);
    expect(search.derived).toContainEqual({ op: 'product', left: 'a', right: 'b' });
    expect(search.derived.every((d) => d.left !== 'c' && d.right !== 'c')).toBe(true);
    expect(search.validationPrecision.after!).toBeGreaterThan(search.validationPrecision.before!);
    // On new rows: the trees fitted with the product rank failures better and are surer of them.
    const onHoldout = (derived: typeof search.derived) => {
      const resolved = resolveDerived(names, derived);
      const extend = (d: LabelledRows): LabelledRows => ({ rows: d.rows.map((r) => withDerived(r, resolved)), labels: d.labels });
      const model = fitGradientBoosting(extend(train), extend(validation)) as Extract<TrainedModel, { family: 'GBT' }>;
      const rowsOut = extend(holdout).rows;
      return {
        ap: averagePrecision(
          rowsOut.map((r) => score(model, r)),
          holdout.labels,
        )!,
        loss: balancedLogLoss(
          rowsOut.map((r) => marginOf(model, Array.from(r))),
          holdout.labels,
        ),
      };
    };
    const [withProduct, without] = [onHoldout(search.derived), onHoldout([])];
    expect(withProduct.ap).toBeGreaterThan(without.ap);
    expect(withProduct.loss).toBeLessThan(0.8 * without.loss);
  });

  it('keeps nothing when failures have nothing to do with the readings', () => {
    const search = searchDerivedFeatures(names, [0, 1, 2], rows(3_000, 5, false), rows(1_000, 6, false), 7);
    expect(search.derived).toEqual([]);
    expect(search.proposed).toBeGreaterThan(0);
  });
});
