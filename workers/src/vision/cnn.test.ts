// The vision network: its ONNX export scores as the TypeScript forward pass does (within 1e-4),
// its gradient is the numerical one, and it learns a defect it can see.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { cloneNet, initialNet, score, viewScore, zeroGradient } from './cnn.ts';
import { dihedral, SYMMETRIES } from './dihedral.ts';
import { trainBatch } from './cnn-train.ts';
import { ShardedTrainer } from './shard-training.ts';
import { exportVisionOnnx } from './cnn-onnx.ts';
import { standardise } from './pixels.ts';
import { evaluateVision, trainVisionNet, DEFAULT_VISION_TRAINING, type LabelledImage } from './train-vision.ts';
import { packImages, VisionRunner } from './vision-runner.ts';

/** Noise, and for a defect a bright square somewhere: a task the network can learn in seconds. */
function spots(count: number, side: number, seed: number): LabelledImage[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const pixels = Float32Array.from({ length: side * side }, () => random() * 0.5);
    if (label) {
      const [x, y] = [Math.floor(random() * (side - 4)), Math.floor(random() * (side - 4))];
      for (let dy = 0; dy < 4; dy += 1) for (let dx = 0; dx < 4; dx += 1) pixels[(y + dy) * side + x + dx] = 1;
    }
    return { input: standardise(pixels), label };
  });
}

describe('vision network', () => {
  it.each([
    { side: 32, channels: [8, 16, 32, 32] },
    { side: 128, channels: [4, 8, 16, 32, 32] },
  ])('scores through onnxruntime as its TypeScript forward pass does at $side × $side, batch normalisation folded', async ({ side, channels }) => {
    const random = seededRandom(5);
    const net = initialNet(side, random);
    expect(net.conv.map((layer) => layer.outChannels)).toEqual(channels);
    const images = spots(40, side, 6).map((i) => i.input);
    // A few steps, so that the running statistics and the normalisation's scales are not their defaults.
    for (let step = 0; step < 3; step += 1) trainBatch(net, images.slice(0, 16), () => 0.1, zeroGradient(net));
    net.conv[0]!.norm!.gamma[1] = 1.7;
    net.conv[1]!.norm!.beta[2] = -0.3;
    const runner = await VisionRunner.load(exportVisionOnnx(net, 'equality'), side);
    try {
      const scores = await runner.run(packImages(images), images.length);
      const deviation = Math.max(...images.map((image, k) => Math.abs(scores[k]! - score(net, image))));
      expect(deviation).toBeLessThan(1e-4);
      // Not a constant: the scores differ between images.
      expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(1e-3);
    } finally {
      await runner.release();
    }
  });

  it('scores a part alike whichever way it lies (its eight views averaged), where one view alone does not', async () => {
    const net = initialNet(32, seededRandom(8));
    const image = spots(2, 32, 9)[1]!.input;
    const views = Array.from({ length: SYMMETRIES }, (_, k) => dihedral(image, 32, k));
    const runner = await VisionRunner.load(exportVisionOnnx(net, 'views'), 32);
    try {
      const scores = await runner.run(packImages(views), views.length);
      expect(Math.max(...scores) - Math.min(...scores)).toBeLessThan(1e-5);
      const alone = views.map((view) => viewScore(net, view));
      expect(Math.max(...alone) - Math.min(...alone)).toBeGreaterThan(1e-3);
    } finally {
      await runner.release();
    }
  });

  it('refuses a graph whose input does not fit the spec before making a session', async () => {
    const bytes = exportVisionOnnx(initialNet(32, seededRandom(1)), 'wrong size');
    await expect(VisionRunner.load(bytes, 48)).rejects.toThrow('the input must be [N, 1, 48, 48]');
  });

  it('has the numerical gradient, through the batch normalisation', () => {
    const random = seededRandom(3);
    const net = initialNet(16, random);
    const images = Array.from({ length: 4 }, () => Float32Array.from({ length: 256 }, () => random() * 2 - 1));
    // The loss is the batch's summed score: its derivative at a margin is score × (1 − score).
    const loss = () => trainBatch(net, images, () => 0, zeroGradient(net)).reduce((a, b) => a + b, 0);
    const grad = zeroGradient(net);
    trainBatch(net, images, (s) => s * (1 - s), grad);
    for (const [layer, index] of [
      [0, 3],
      [1, 200],
      [2, 500],
    ] as const) {
      const weights = net.conv[layer]!.weights;
      const kept = weights[index]!;
      weights[index] = kept + 1e-3;
      const up = loss();
      weights[index] = kept - 1e-3;
      const down = loss();
      weights[index] = kept;
      expect(grad.conv[layer]!.weights[index]).toBeCloseTo((up - down) / 2e-3, 3);
    }
    const gamma = net.conv[1]!.norm!.gamma;
    gamma[3] = 1 + 1e-3;
    const up = loss();
    gamma[3] = 1 - 1e-3;
    const down = loss();
    gamma[3] = 1;
    expect(grad.conv[1]!.gamma[3]).toBeCloseTo((up - down) / 2e-3, 3);
  });

  it('trains a batch to the same gradient on worker threads as on one core', async () => {
    const net = initialNet(24, seededRandom(8));
    const images = spots(12, 24, 9);
    const items = images.map((image, index) => ({ index, symmetry: index % 8, label: image.label, weight: 1 + image.label }));
    const gradients = [];
    const means = [];
    for (const cores of [1, 2]) {
      const trainer = ShardedTrainer.start(
        images.map((i) => i.input),
        24,
        cores,
      );
      try {
        const copy = cloneNet(net);
        const grad = zeroGradient(copy);
        await trainer.train(copy, items, grad);
        gradients.push(grad);
        means.push(copy.conv[1]!.norm!.mean);
      } finally {
        await trainer.stop();
      }
    }
    const [one, two] = gradients;
    expect(Math.max(...one!.conv[2]!.weights.map((g) => Math.abs(g)))).toBeGreaterThan(1e-3);
    for (let i = 0; i < one!.conv[2]!.weights.length; i += 1) expect(two!.conv[2]!.weights[i]).toBeCloseTo(one!.conv[2]!.weights[i]!, 5);
    expect(two!.dense.bias).toBeCloseTo(one!.dense.bias, 5);
    expect(Array.from(means[1]!)).toEqual(Array.from(means[0]!));
    // The running statistics moved from their start.
    expect(means[0]!.some((m) => m !== 0)).toBe(true);
  });

  it('learns to tell a part with a spot from one without', async () => {
    const trained = await trainVisionNet(spots(240, 24, 1), spots(60, 24, 2), { ...DEFAULT_VISION_TRAINING, size: 24, epochs: 6 });
    expect(evaluateVision(trained.net, spots(200, 24, 3), trained.threshold).accuracy).toBeGreaterThan(0.95);
  });
});
