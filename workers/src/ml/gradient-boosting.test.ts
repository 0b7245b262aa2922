// Gradient-boosted trees: they learn an interaction of readings that logistic regression cannot,
// stop early on validation, give the same trees for the same seed, and export to an ONNX tree
// ensemble equal to the TypeScript trees within 1e-5, lone-leaf trees and a model without any
// split included.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { DEFAULT_CLASSIFIER_PARAMS } from '@threadline/db/models/training-params';
import { fitClassifier, scoreRows } from './fit-classifier.ts';
import { cutPoints, DEFAULT_BOOSTING_PARAMS, fitGradientBoosting } from './gradient-boosting.ts';
import { auc } from './metrics.ts';
import { score, type TrainedModel } from './model-families.ts';
import { exportOnnx } from './onnx-export.ts';
import { OnnxRunner, packRows } from './onnx-runner.ts';

const random = seededRandom(2026);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
/** Failures where the temperature strays either way from nominal under load (no straight line tells them apart), plus 0.5 % at random. */
const table = (n: number) => {
  const rows = Array.from({ length: n }, () => Float64Array.from([40 + 10 * gauss(), 1500 + 200 * gauss(), 300 + 2 * gauss()]));
  const labels = rows.map((r) => ((Math.abs(r[2]! - 300) > 3 && r[0]! > 42) || random() < 0.005 ? 1 : 0));
  return { rows, labels };
};
const train = table(3_000);
const validation = table(800);
const holdout = table(2_000);

describe('gradient-boosted trees', () => {
  it('learn an interaction of two readings that logistic regression misses', () => {
    const gbt = fitGradientBoosting(train, validation);
    const logistic = fitClassifier(train.rows, train.labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: 'LOGISTIC' });
    const gbtAuc = auc(scoreRows(gbt, holdout.rows), holdout.labels)!;
    const logisticAuc = auc(scoreRows(logistic, holdout.rows), holdout.labels)!;
    expect(gbtAuc, `GBT ${gbtAuc}, logistic ${logisticAuc}`).toBeGreaterThan(0.9);
    expect(gbtAuc).toBeGreaterThan(logisticAuc + 0.1);
  });

  it('stop when validation stops improving, and give the same trees for the same seed', () => {
    const a = fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, rounds: 1_000, patience: 10 });
    const b = fitGradientBoosting(train, validation, { ...DEFAULT_BOOSTING_PARAMS, rounds: 1_000, patience: 10 });
    expect(a.family === 'GBT' && a.trees.length).toBeLessThan(1_000);
    expect(a).toEqual(b);
  });

  it('cut each feature at most 255 times, at float32 values, strictly increasing', () => {
    const values = Array.from({ length: 10_000 }, () => gauss());
    const cuts = cutPoints(values, 256);
    expect(cuts.length).toBeLessThanOrEqual(255);
    expect(cuts.every((c, i) => c === Math.fround(c) && (i === 0 || c > cuts[i - 1]!))).toBe(true);
    expect(cutPoints([1, 1, 1], 256)).toEqual([]);
  });

  const onnxEqualsTypeScript = async (model: TrainedModel) => {
    const runner = await OnnxRunner.load(exportOnnx(model, [40, 1500, 300], { name: 'gbt', features: ['torque', 'speed', 'temperature'] }), 3);
    const inputs = holdout.rows.slice(0, 300).map((r) => Float64Array.from(r, Math.fround));
    const out = await runner.run(packRows(inputs, 3), inputs.length);
    await runner.release();
    return Math.max(...inputs.map((x, i) => Math.abs(out.scores[i]! - score(model, x))));
  };

  it('export to an ONNX tree ensemble equal to the TypeScript trees, lone leaves and bias folded in', async () => {
    const fitted = fitGradientBoosting(train, validation);
    if (fitted.family !== 'GBT') throw new Error('not a GBT');
    const withConstants: TrainedModel = {
      ...fitted,
      bias: Math.fround(-0.4),
      trees: [{ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [Math.fround(0.25)] }, ...fitted.trees],
    };
    expect(await onnxEqualsTypeScript(withConstants)).toBeLessThan(1e-5);
    const noSplit: TrainedModel = { ...withConstants, trees: [{ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [Math.fround(0.7)] }] };
    expect(await onnxEqualsTypeScript(noSplit)).toBeLessThan(1e-5);
    expect(score(noSplit, holdout.rows[0]!)).toBeCloseTo(1 / (1 + Math.exp(-(0.7 - 0.4))), 6);
  });
});
