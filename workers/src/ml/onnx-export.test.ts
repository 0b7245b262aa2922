// The exported ONNX graph computes what the TypeScript forward pass computes, scores and
// occlusion contributions alike, for every family; explanations name the feature that moved.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { fitAnomalyDetector } from './fit-anomaly.ts';
import { DEFAULT_CLASSIFIER_PARAMS } from '@threadline/db/models/training-params';
import { fitClassifier } from './fit-classifier.ts';
import { fitGradientBoosting } from './gradient-boosting.ts';
import { explain, score, toFloat32, type TrainedModel } from './model-families.ts';
import { exportOnnx } from './onnx-export.ts';
import { OnnxRunner, packRows } from './onnx-runner.ts';

const F = 6;
const random = seededRandom(42);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
// Feature 2 drives failures; the others are noise on different scales.
const scales = [1, 10, 3, 0.5, 100, 7];
const rows = Array.from({ length: 600 }, () => Float64Array.from({ length: F }, (_, j) => 50 + scales[j]! * gauss()));
const labels = rows.map((r) => (r[2]! > 50 + 3 * 1.2 ? 1 : 0));
const names = Array.from({ length: F }, (_, j) => `f${j}`);
const reference = Array.from({ length: F }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);

const models: Record<string, () => TrainedModel> = {
  LOGISTIC: () => fitClassifier(rows, labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: 'LOGISTIC' }),
  MLP: () => fitClassifier(rows, labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: 'MLP', epochs: 150 }),
  GBT: () => fitGradientBoosting({ rows: rows.slice(0, 450), labels: labels.slice(0, 450) }, { rows: rows.slice(450), labels: labels.slice(450) }),
  'calibrated MLP': () =>
    ({ ...fitClassifier(rows, labels, { ...DEFAULT_CLASSIFIER_PARAMS, family: 'MLP', epochs: 150 }), calibration: { a: 0.6, b: -1.2 } }) as TrainedModel,
  ANOMALY_ZSCORE: () => fitAnomalyDetector(rows),
};

describe.each(Object.keys(models))('the %s family', (family) => {
  it('exports ONNX whose scores and contributions equal the TypeScript forward pass within 1e-5', async () => {
    const model = toFloat32(models[family]!());
    const runner = await OnnxRunner.load(exportOnnx(model, reference, { name: 'test', features: names }), F);
    // Inputs as float32, which is what the graph sees.
    const inputs = rows.slice(0, 200).map((r) => Float64Array.from(r, Math.fround));
    const out = await runner.run(packRows(inputs, F), inputs.length);
    let worst = 0;
    inputs.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(out.scores[i]! - score(model, x)));
      explain(model, x, reference).forEach((c, j) => {
        worst = Math.max(worst, Math.abs(out.contributions[i * F + j]! - c));
      });
    });
    expect(worst).toBeLessThan(1e-5);
    await runner.release();
  });

  it('names the perturbed feature first in its explanation', async () => {
    const model = toFloat32(models[family]!());
    const runner = await OnnxRunner.load(exportOnnx(model, reference, { name: 'test', features: names }), F);
    const perturbed = Float64Array.from(reference);
    perturbed[2] = reference[2]! + 6 * scales[2]!;
    const out = await runner.run(packRows([perturbed], F), 1);
    const contributions = [...out.contributions];
    const top = contributions.indexOf(Math.max(...contributions));
    expect(names[top]).toBe('f2');
    expect(out.scores[0]).toBeGreaterThan(0.5);
    await runner.release();
  });
});
