// Probability calibration (Platt scaling) of a classifier's margin: score = sigmoid(a · margin + b),
// with a and b fitted on a validation slice by Newton's method on the log-loss, so that a score of
// 0.2 means about one failure in five. Monotonic: it changes what a score means, not the order of
// rows. Class-balanced training pushes scores up; calibration on the natural class mix brings them
// back. The ONNX graph applies the same two numbers (onnx-export.ts).
import type { MarginCalibration } from './model-families.ts';

/** Platt's a and b for `margins` against `labels` (with his smoothed targets, so two points cannot overfit it), by damped Newton steps. */
export function fitPlatt(margins: readonly number[], labels: readonly number[]): MarginCalibration {
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = labels.map((l) => (l === 1 ? high : low));
  const loss = (a: number, b: number) =>
    margins.reduce((total, x, i) => {
      const z = a * x + b;
      // log(1 + e^z) − t·z, computed without overflow.
      return total + Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - targets[i]! * z;
    }, 0);
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    margins.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(a * x + b)));
      const d = p - targets[i]!;
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-18) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Newton's step, halved until the loss does not rise (wide margins make the full step overshoot).
    let step = 1;
    while (step > 1e-8 && loss(a - step * da, b - step * db) > current) step /= 2;
    a -= step * da;
    b -= step * db;
    current = loss(a, b);
    if (step * (Math.abs(da) + Math.abs(db)) < 1e-10) break;
  }
  return { a, b };
}
