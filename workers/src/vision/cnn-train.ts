// One training step of the vision network over a mini-batch: the forward pass with batch
// normalisation from the batch's own statistics (which also move the running statistics scoring
// uses), and the gradient of the batch's summed loss, given its derivative at each image's margin.
import { convolve, convolveBackward, globalPool, marginOf, NORM_EPSILON, pool, relu, sideOf, type Gradient, type VisionNet } from './cnn.ts';

/** How far one batch moves the running statistics. */
const MOMENTUM = 0.1;

/**
 * Adds to `grad` the gradient of Σ loss over the batch, where `dMargin(score, i)` is the loss's
 * derivative at image i's margin (for a weighted cross-entropy, weight × (score − label)); returns
 * the batch's scores (with batch statistics).
 */
export function trainBatch(net: VisionNet, images: readonly Float32Array[], dMargin: (score: number, index: number) => number, grad: Gradient): number[] {
  const inputs: Float32Array[][] = [];
  const normalised: (Float32Array[] | null)[] = [];
  const outputs: Float32Array[][] = [];
  const argmaxes: Int32Array[][] = [];
  const inverseDeviations: (Float32Array | null)[] = [];
  let current: readonly Float32Array[] = images;
  net.conv.forEach((layer, l) => {
    const side = sideOf(net, l);
    const area = side * side;
    const out = current.map((input) => {
      const z = new Float32Array(layer.outChannels * area);
      convolve(input, side, layer, z);
      return z;
    });
    inputs.push([...current]);
    if (layer.norm) {
      const { gamma, beta, mean, variance } = layer.norm;
      const inverse = new Float32Array(layer.outChannels);
      const xhat = out.map((z) => z.slice());
      const n = out.length * area;
      for (let c = 0; c < layer.outChannels; c += 1) {
        let sum = 0;
        let squares = 0;
        for (const z of out)
          for (let i = c * area; i < (c + 1) * area; i += 1) {
            sum += z[i]!;
            squares += z[i]! * z[i]!;
          }
        const mu = sum / n;
        const sigma2 = Math.max(0, squares / n - mu * mu);
        inverse[c] = 1 / Math.sqrt(sigma2 + NORM_EPSILON);
        mean[c] = (1 - MOMENTUM) * mean[c]! + MOMENTUM * mu;
        variance[c] = (1 - MOMENTUM) * variance[c]! + MOMENTUM * sigma2 * (n / Math.max(1, n - 1));
        out.forEach((z, s) => {
          const xh = xhat[s]!;
          for (let i = c * area; i < (c + 1) * area; i += 1) {
            xh[i] = (z[i]! - mu) * inverse[c]!;
            z[i] = gamma[c]! * xh[i]! + beta[c]!;
          }
        });
      }
      normalised.push(xhat);
      inverseDeviations.push(inverse);
    } else {
      normalised.push(null);
      inverseDeviations.push(null);
    }
    out.forEach(relu);
    outputs.push(out);
    if (l < net.conv.length - 1) {
      const half = side >> 1;
      const pooled: Float32Array[] = [];
      const argmax: Int32Array[] = [];
      for (const o of out) {
        const p = new Float32Array(layer.outChannels * half * half);
        const a = new Int32Array(p.length);
        pool(o, layer.outChannels, side, p, a);
        pooled.push(p);
        argmax.push(a);
      }
      argmaxes.push(argmax);
      current = pooled;
    }
  });

  // The head: the dense unit over each image's global max and mean, and where its gradient goes.
  const last = net.conv.length - 1;
  const channels = net.conv[last]!.outChannels;
  const lastArea = sideOf(net, last) ** 2;
  const scores: number[] = [];
  let deltas = outputs[last]!.map((out, s) => {
    const { pooled, argmax } = globalPool(out, channels);
    const score = 1 / (1 + Math.exp(-marginOf(net, pooled)));
    scores.push(score);
    const dm = dMargin(score, s);
    grad.dense.bias += dm;
    for (let f = 0; f < pooled.length; f += 1) grad.dense.weights[f]! += dm * pooled[f]!;
    const delta = new Float32Array(out.length);
    for (let c = 0; c < channels; c += 1) {
      delta.fill((dm * net.dense.weights[channels + c]!) / lastArea, c * lastArea, (c + 1) * lastArea);
      delta[argmax[c]!]! += dm * net.dense.weights[c]!;
    }
    return delta;
  });

  for (let l = last; l >= 0; l -= 1) {
    const layer = net.conv[l]!;
    const side = sideOf(net, l);
    const area = side * side;
    // Through the ReLU: no gradient where it cut the output to 0.
    deltas.forEach((delta, s) => {
      const out = outputs[l]![s]!;
      for (let i = 0; i < delta.length; i += 1) if (out[i]! <= 0) delta[i] = 0;
    });
    const xhat = normalised[l];
    if (layer.norm && xhat) {
      // Through the batch normalisation: dz = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)).
      const inverse = inverseDeviations[l]!;
      const n = deltas.length * area;
      for (let c = 0; c < layer.outChannels; c += 1) {
        let sumDy = 0;
        let sumDyXhat = 0;
        deltas.forEach((dy, s) => {
          const xh = xhat[s]!;
          for (let i = c * area; i < (c + 1) * area; i += 1) {
            sumDy += dy[i]!;
            sumDyXhat += dy[i]! * xh[i]!;
          }
        });
        grad.conv[l]!.gamma[c]! += sumDyXhat;
        grad.conv[l]!.beta[c]! += sumDy;
        const scale = layer.norm.gamma[c]! * inverse[c]!;
        deltas.forEach((dy, s) => {
          const xh = xhat[s]!;
          for (let i = c * area; i < (c + 1) * area; i += 1) dy[i] = scale * (dy[i]! - sumDy / n - (xh[i]! * sumDyXhat) / n);
        });
      }
    }
    const below = l > 0 ? deltas.map(() => new Float32Array(outputs[l - 1]![0]!.length)) : null;
    deltas.forEach((delta, s) => {
      const gradInput = l > 0 ? new Float32Array(inputs[l]![s]!.length) : null;
      convolveBackward(inputs[l]![s]!, side, layer, delta, grad.conv[l]!, gradInput);
      // Back through the 2×2 pool in front of this layer: each pooled cell's gradient to its maximum.
      if (gradInput && below) {
        const argmax = argmaxes[l - 1]![s]!;
        for (let i = 0; i < gradInput.length; i += 1) below[s]![argmax[i]!]! += gradInput[i]!;
      }
    });
    if (!below) break;
    deltas = below;
  }
  return scores;
}
