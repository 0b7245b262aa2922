// Fits the failure-risk classifiers on labelled feature rows: logistic regression (gradient
// descent) and a one-hidden-layer MLP (Adam), both with class-balanced weights, L2 penalty and
// standardised inputs. Deterministic for a seed.
import { seededRandom } from '@threadline/db/random';
import { scoreStandardized, standardize, type Standardizer, type TrainedModel } from './model-families.ts';

export interface ClassifierParams {
  family: 'LOGISTIC' | 'MLP';
  epochs: number;
  learningRate: number;
  l2: number;
  hiddenUnits: number;
  seed: number;
}

/** Mean and standard deviation per feature (a small floor keeps constant features finite). */
export function fitStandardizer(rows: readonly Float64Array[]): Standardizer {
  const f = rows[0]!.length;
  const center = Array.from({ length: f }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const scale = center.map((m, j) => {
    const variance = rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / rows.length;
    return Math.max(Math.sqrt(variance), 1e-3 * Math.abs(m) + 1e-6);
  });
  return { center, scale };
}

/** Adam over all parameters, flattened. */
class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    size: number,
    private readonly rate: number,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(params: Float64Array, grad: Float64Array): void {
    this.t += 1;
    for (let i = 0; i < params.length; i += 1) {
      this.m[i] = 0.9 * this.m[i]! + 0.1 * grad[i]!;
      this.v[i] = 0.999 * this.v[i]! + 0.001 * grad[i]! ** 2;
      const mHat = this.m[i]! / (1 - 0.9 ** this.t);
      const vHat = this.v[i]! / (1 - 0.999 ** this.t);
      params[i] = params[i]! - (this.rate * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
}

export function fitClassifier(rows: readonly Float64Array[], labels: readonly number[], params: ClassifierParams): TrainedModel {
  const positives = labels.filter((l) => l === 1).length;
  if (positives === 0 || positives === labels.length) throw new Error('training needs both failures and normal operation in the data window');
  const standardizer = fitStandardizer(rows);
  const z = rows.map((r) => standardize(standardizer, r));
  const f = standardizer.center.length;
  // Balanced weights: both classes weigh half of the loss.
  const weightOf = (label: number) => (label === 1 ? 0.5 / positives : 0.5 / (labels.length - positives));
  const h = params.family === 'MLP' ? params.hiddenUnits : 0;
  const random = seededRandom(params.seed);
  // Layout: LOGISTIC [w (f), b]; MLP [w1 (h×f), b1 (h), w2 (h), b2].
  const size = params.family === 'LOGISTIC' ? f + 1 : h * f + h + h + 1;
  const theta = new Float64Array(size);
  if (params.family === 'MLP') {
    for (let i = 0; i < h * f; i += 1) theta[i] = (random() * 2 - 1) * Math.sqrt(6 / f);
    for (let i = 0; i < h; i += 1) theta[h * f + h + i] = (random() * 2 - 1) * Math.sqrt(6 / h);
  }
  const optimizer = new Adam(size, params.learningRate);
  const grad = new Float64Array(size);
  const hidden = new Float64Array(h);
  for (let epoch = 0; epoch < params.epochs; epoch += 1) {
    grad.fill(0);
    for (let n = 0; n < z.length; n += 1) {
      const x = z[n]!;
      const w = weightOf(labels[n]!);
      if (params.family === 'LOGISTIC') {
        let logit = theta[f]!;
        for (let j = 0; j < f; j += 1) logit += theta[j]! * x[j]!;
        const error = (1 / (1 + Math.exp(-logit)) - labels[n]!) * w;
        for (let j = 0; j < f; j += 1) grad[j] = grad[j]! + error * x[j]!;
        grad[f] = grad[f]! + error;
      } else {
        let logit = theta[size - 1]!;
        for (let k = 0; k < h; k += 1) {
          let a = theta[h * f + k]!;
          for (let j = 0; j < f; j += 1) a += theta[k * f + j]! * x[j]!;
          hidden[k] = Math.max(0, a);
          logit += theta[h * f + h + k]! * hidden[k]!;
        }
        const error = (1 / (1 + Math.exp(-logit)) - labels[n]!) * w;
        grad[size - 1] = grad[size - 1]! + error;
        for (let k = 0; k < h; k += 1) {
          grad[h * f + h + k] = grad[h * f + h + k]! + error * hidden[k]!;
          if (hidden[k]! <= 0) continue;
          const back = error * theta[h * f + h + k]!;
          grad[h * f + k] = grad[h * f + k]! + back;
          for (let j = 0; j < f; j += 1) grad[k * f + j] = grad[k * f + j]! + back * x[j]!;
        }
      }
    }
    const weightsEnd = params.family === 'LOGISTIC' ? f : h * f;
    for (let i = 0; i < weightsEnd; i += 1) grad[i] = grad[i]! + params.l2 * theta[i]!;
    optimizer.step(theta, grad);
  }
  if (params.family === 'LOGISTIC') return { family: 'LOGISTIC', standardizer, weights: [...theta.slice(0, f)], bias: theta[f]! };
  return {
    family: 'MLP',
    standardizer,
    hiddenWeights: Array.from({ length: h }, (_, k) => [...theta.slice(k * f, (k + 1) * f)]),
    hiddenBias: [...theta.slice(h * f, h * f + h)],
    outputWeights: [...theta.slice(h * f + h, h * f + 2 * h)],
    outputBias: theta[size - 1]!,
  };
}

/** Scores of raw rows (TypeScript forward pass). */
export function scoreRows(model: TrainedModel, rows: readonly Float64Array[]): number[] {
  return rows.map((r) => scoreStandardized(model, standardize(model.standardizer, r)));
}
