// The vision family: a small convolutional network over a grey, per-image standardised frame
// (pixels.ts) that answers the probability that the part is defective. Three 3×3 convolutions
// (same padding) with ReLU, the first two followed by 2×2 max pooling, then per channel its global
// maximum and its global mean, and one dense unit with a sigmoid:
//   image [1, S, S] → conv 4 → pool → conv 8 → pool → conv 16 → [max 16, mean 16] → dense → score.
// The maximum lets a last-layer channel answer to the strongest evidence anywhere in the frame (a
// defect is small and anywhere); the mean carries the gradient to every position while training,
// without which no channel would learn to notice what is not already its strongest response.
// This file holds the forward pass and its gradient (for training, train-vision.ts); the ONNX
// export (cnn-onnx.ts) computes the same forward pass.

/** Channels of each conv layer (a 2×2 max pool follows every layer but the last). */
export const CHANNELS: readonly number[] = [4, 8, 16];

export interface ConvLayer {
  inChannels: number;
  outChannels: number;
  /** [out][in][3][3], row-major. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface VisionNet {
  /** Side of the square input (a multiple of 4). */
  size: number;
  conv: ConvLayer[];
  /** Over [max of each last channel, mean of each last channel]. */
  dense: { weights: Float32Array; bias: number };
}

/** He-initialised weights, from a seeded random source. */
export function initialNet(size: number, random: () => number, channels: readonly number[] = CHANNELS): VisionNet {
  const multiple = 2 ** (channels.length - 1);
  if (size % multiple !== 0) throw new Error(`the input side must be a multiple of ${multiple}, not ${size}`);
  const gaussian = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  let inChannels = 1;
  const conv = channels.map((outChannels) => {
    const scale = Math.sqrt(2 / (inChannels * 9));
    const layer = {
      inChannels,
      outChannels,
      weights: Float32Array.from({ length: outChannels * inChannels * 9 }, () => gaussian() * scale),
      bias: new Float32Array(outChannels).fill(0.01),
    };
    inChannels = outChannels;
    return layer;
  });
  const features = 2 * inChannels;
  return { size, conv, dense: { weights: Float32Array.from({ length: features }, () => gaussian() * Math.sqrt(1 / features)), bias: 0 } };
}

/** Every activation of one forward pass, which the gradient needs. */
export interface Trace {
  /** Per conv layer: its input, and its output after ReLU. */
  inputs: Float32Array[];
  outputs: Float32Array[];
  /** Per pooled layer: for each pooled cell, the index of the maximum in the layer's output. */
  poolArgmax: Int32Array[];
  /** Per last-layer channel, the index of its maximum. */
  globalArgmax: Int32Array;
  /** [max of each channel, mean of each channel]: the dense unit's input. */
  pooled: Float32Array;
  margin: number;
  score: number;
}

/** Side of conv layer `l`'s input and output. */
const sideOf = (net: VisionNet, l: number) => net.size >> l;

/** 3×3 convolution with zero padding, as shifted row additions (contiguous inner loops), then ReLU. */
function convolve(input: Float32Array, side: number, layer: ConvLayer, out: Float32Array): void {
  const area = side * side;
  for (let o = 0; o < layer.outChannels; o += 1) {
    const base = o * area;
    out.fill(layer.bias[o]!, base, base + area);
    for (let c = 0; c < layer.inChannels; c += 1) {
      const inBase = c * area;
      const wBase = (o * layer.inChannels + c) * 9;
      for (let ky = 0; ky < 3; ky += 1) {
        const dy = ky - 1;
        const y0 = Math.max(0, -dy);
        const y1 = Math.min(side, side - dy);
        for (let kx = 0; kx < 3; kx += 1) {
          const w = layer.weights[wBase + ky * 3 + kx]!;
          const dx = kx - 1;
          const x0 = Math.max(0, -dx);
          const x1 = Math.min(side, side - dx);
          for (let y = y0; y < y1; y += 1) {
            const row = base + y * side;
            const from = inBase + (y + dy) * side + dx;
            for (let x = x0; x < x1; x += 1) out[row + x]! += w * input[from + x]!;
          }
        }
      }
    }
  }
  for (let i = 0; i < out.length; i += 1) if (out[i]! < 0) out[i] = 0;
}

/** 2×2 max pooling with stride 2; records where each maximum came from. */
function pool(input: Float32Array, channels: number, side: number, out: Float32Array, argmax: Int32Array): void {
  const half = side >> 1;
  for (let c = 0; c < channels; c += 1) {
    for (let y = 0; y < half; y += 1) {
      for (let x = 0; x < half; x += 1) {
        const top = c * side * side + 2 * y * side + 2 * x;
        let at = top;
        for (const candidate of [top + 1, top + side, top + side + 1]) if (input[candidate]! > input[at]!) at = candidate;
        const cell = c * half * half + y * half + x;
        out[cell] = input[at]!;
        argmax[cell] = at;
      }
    }
  }
}

/** The forward pass of one standardised image [S × S], with everything the gradient needs. */
export function forward(net: VisionNet, image: Float32Array): Trace {
  const inputs: Float32Array[] = [];
  const outputs: Float32Array[] = [];
  const poolArgmax: Int32Array[] = [];
  let current = image;
  net.conv.forEach((layer, l) => {
    const side = sideOf(net, l);
    const out = new Float32Array(layer.outChannels * side * side);
    inputs.push(current);
    convolve(current, side, layer, out);
    outputs.push(out);
    if (l < net.conv.length - 1) {
      const half = side >> 1;
      const pooledOut = new Float32Array(layer.outChannels * half * half);
      const argmax = new Int32Array(pooledOut.length);
      pool(out, layer.outChannels, side, pooledOut, argmax);
      poolArgmax.push(argmax);
      current = pooledOut;
    }
  });
  const last = outputs.at(-1)!;
  const channels = net.conv.at(-1)!.outChannels;
  const area = last.length / channels;
  const pooled = new Float32Array(2 * channels);
  const globalArgmax = new Int32Array(channels);
  for (let c = 0; c < channels; c += 1) {
    let at = c * area;
    let sum = 0;
    for (let i = c * area; i < (c + 1) * area; i += 1) {
      sum += last[i]!;
      if (last[i]! > last[at]!) at = i;
    }
    globalArgmax[c] = at;
    pooled[c] = last[at]!;
    pooled[channels + c] = sum / area;
  }
  let margin = net.dense.bias;
  for (let f = 0; f < pooled.length; f += 1) margin += net.dense.weights[f]! * pooled[f]!;
  return { inputs, outputs, poolArgmax, globalArgmax, pooled, margin, score: 1 / (1 + Math.exp(-margin)) };
}

export const score = (net: VisionNet, image: Float32Array): number => forward(net, image).score;

/** Gradients with the shapes of a net's parameters. */
export interface Gradient {
  conv: { weights: Float32Array; bias: Float32Array }[];
  dense: { weights: Float32Array; bias: number };
}

export function zeroGradient(net: VisionNet): Gradient {
  return {
    conv: net.conv.map((l) => ({ weights: new Float32Array(l.weights.length), bias: new Float32Array(l.bias.length) })),
    dense: { weights: new Float32Array(net.dense.weights.length), bias: 0 },
  };
}

/**
 * Adds to `grad` the gradient of the loss whose derivative at the margin is `dMargin` (for a
 * weighted cross-entropy, weight × (score − label)), as shifted row operations like the forward pass.
 */
export function accumulateGradient(net: VisionNet, trace: Trace, dMargin: number, grad: Gradient): void {
  grad.dense.bias += dMargin;
  const lastLayer = net.conv.length - 1;
  const channels = net.conv[lastLayer]!.outChannels;
  let delta = new Float32Array(trace.outputs[lastLayer]!.length);
  const area = delta.length / channels;
  for (let f = 0; f < trace.pooled.length; f += 1) grad.dense.weights[f]! += dMargin * trace.pooled[f]!;
  for (let c = 0; c < channels; c += 1) {
    delta.fill((dMargin * net.dense.weights[channels + c]!) / area, c * area, (c + 1) * area);
    delta[trace.globalArgmax[c]!]! += dMargin * net.dense.weights[c]!;
  }
  for (let l = lastLayer; l >= 0; l -= 1) {
    const layer = net.conv[l]!;
    const side = sideOf(net, l);
    const input = trace.inputs[l]!;
    const output = trace.outputs[l]!;
    // Through the ReLU: no gradient where it cut the output to 0.
    for (let i = 0; i < delta.length; i += 1) if (output[i]! <= 0) delta[i] = 0;
    const gradInput = l > 0 ? new Float32Array(input.length) : null;
    convolveBackward(input, side, layer, delta, grad.conv[l]!, gradInput);
    if (!gradInput) break;
    // Back through the 2×2 pool in front of this layer: each pooled cell's gradient to its maximum.
    const below = new Float32Array(trace.outputs[l - 1]!.length);
    const argmax = trace.poolArgmax[l - 1]!;
    for (let i = 0; i < gradInput.length; i += 1) below[argmax[i]!]! += gradInput[i]!;
    delta = below;
  }
}

/** The gradients of a 3×3 same-padded convolution's weights, biases and (when asked) input. */
function convolveBackward(
  input: Float32Array,
  side: number,
  layer: ConvLayer,
  delta: Float32Array,
  grad: { weights: Float32Array; bias: Float32Array },
  gradInput: Float32Array | null,
): void {
  const area = side * side;
  for (let o = 0; o < layer.outChannels; o += 1) {
    const base = o * area;
    let biasSum = 0;
    for (let i = base; i < base + area; i += 1) biasSum += delta[i]!;
    grad.bias[o]! += biasSum;
    for (let c = 0; c < layer.inChannels; c += 1) {
      const inBase = c * area;
      const wBase = (o * layer.inChannels + c) * 9;
      for (let ky = 0; ky < 3; ky += 1) {
        const dy = ky - 1;
        const y0 = Math.max(0, -dy);
        const y1 = Math.min(side, side - dy);
        for (let kx = 0; kx < 3; kx += 1) {
          const dx = kx - 1;
          const x0 = Math.max(0, -dx);
          const x1 = Math.min(side, side - dx);
          const w = layer.weights[wBase + ky * 3 + kx]!;
          let sum = 0;
          for (let y = y0; y < y1; y += 1) {
            const row = base + y * side;
            const from = inBase + (y + dy) * side + dx;
            for (let x = x0; x < x1; x += 1) sum += delta[row + x]! * input[from + x]!;
            if (gradInput) for (let x = x0; x < x1; x += 1) gradInput[from + x]! += delta[row + x]! * w;
          }
          grad.weights[wBase + ky * 3 + kx]! += sum;
        }
      }
    }
  }
}

/** Adam over every parameter of the net; `step` counts updates from 1. */
export class Adam {
  private readonly m: Gradient;
  private readonly v: Gradient;
  private step = 0;

  constructor(
    private readonly net: VisionNet,
    private readonly rate: number,
    private readonly decay = 1e-4,
  ) {
    this.m = zeroGradient(net);
    this.v = zeroGradient(net);
  }

  /** Applies the mean gradient of a batch of `count` samples. */
  update(grad: Gradient, count: number): void {
    this.step += 1;
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    const apply = (params: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, decay: number) => {
      for (let i = 0; i < params.length; i += 1) {
        const gi = g[i]! / count + decay * params[i]!;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
        params[i]! -= (this.rate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
      }
    };
    this.net.conv.forEach((layer, l) => {
      apply(layer.weights, grad.conv[l]!.weights, this.m.conv[l]!.weights, this.v.conv[l]!.weights, this.decay);
      apply(layer.bias, grad.conv[l]!.bias, this.m.conv[l]!.bias, this.v.conv[l]!.bias, 0);
    });
    apply(this.net.dense.weights, grad.dense.weights, this.m.dense.weights, this.v.dense.weights, this.decay);
    const bias = Float32Array.of(this.net.dense.bias);
    const mb = Float32Array.of(this.m.dense.bias);
    const vb = Float32Array.of(this.v.dense.bias);
    apply(bias, Float32Array.of(grad.dense.bias), mb, vb, 0);
    [this.net.dense.bias, this.m.dense.bias, this.v.dense.bias] = [bias[0]!, mb[0]!, vb[0]!];
  }
}

/** A deep copy (the best epoch's weights are kept while training goes on). */
export function cloneNet(net: VisionNet): VisionNet {
  return {
    size: net.size,
    conv: net.conv.map((l) => ({ ...l, weights: l.weights.slice(), bias: l.bias.slice() })),
    dense: { weights: net.dense.weights.slice(), bias: net.dense.bias },
  };
}
