// Trains the vision network (cnn.ts) on labelled frames: mini-batches (cnn-train.ts) with Adam on a cross-entropy
// weighted so that both classes count alike, each image shown under a random one of the square's
// eight flips and quarter turns (a defect is a defect whichever way the part lies), the learning
// rate decaying along a cosine over all the epochs asked for (the last, small steps are where dents
// were learnt: stopping after six epochs without a better validation loss cost 5 points of
// accuracy), the weights of the epoch with the lowest validation loss kept (each frame scored as it
// lies, an eighth of the work), and the decision threshold chosen on the validation frames scored
// as the model will score them (all eight views, cnn.ts) by the run's rule (decision-threshold.ts).
// Holdout metrics follow.
import { seededRandom } from '@threadline/db/random';
import { imageTrainingSchema, type ThresholdRule } from '@threadline/db/models/training-params';
import { chooseThreshold } from '../ml/decision-threshold.ts';
import { auc, confusionAt } from '../ml/metrics.ts';
import { Adam, cloneNet, foldNorm, initialNet, score, viewScore, zeroGradient, type VisionNet } from './cnn.ts';
import { SYMMETRIES } from './dihedral.ts';
import { ShardedTrainer } from './shard-training.ts';

export interface LabelledImage {
  /** Standardised grey pixels, side × side (pixels.ts). */
  input: Float32Array;
  /** 1 for a defective part. */
  label: number;
}

export interface VisionTrainingOptions {
  size: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Channels of the conv layers (cnn.ts). */
  channels?: readonly number[];
}

const { size, epochs, learningRate, batchSize } = imageTrainingSchema.parse({});
export const DEFAULT_VISION_TRAINING: VisionTrainingOptions = { size, epochs, learningRate, batchSize, seed: 7 };

export interface VisionMetrics {
  count: number;
  defects: number;
  accuracy: number;
  precision: number;
  recall: number;
  auc: number | null;
}

const EPS = 1e-7;
const crossEntropy = (p: number, label: number) => -(label * Math.log(Math.max(p, EPS)) + (1 - label) * Math.log(Math.max(1 - p, EPS)));

function meanLoss(net: VisionNet, images: readonly LabelledImage[], weights: readonly [number, number]): number {
  const scoring = foldNorm(net);
  let total = 0;
  for (const image of images) total += weights[image.label]! * crossEntropy(viewScore(scoring, image.input), image.label);
  return total / Math.max(1, images.length);
}

/** Class weights that make both classes count alike (capped, for very rare defects). */
function classWeights(images: readonly LabelledImage[]): [number, number] {
  const defects = images.filter((i) => i.label === 1).length;
  const good = images.length - defects;
  if (defects === 0 || good === 0) return [1, 1];
  const w1 = Math.min(20, images.length / (2 * defects));
  const w0 = Math.min(20, images.length / (2 * good));
  return [w0, w1];
}

export interface TrainedVision {
  net: VisionNet;
  threshold: number;
  epochs: number;
  /** The epoch whose weights were kept (1-based). */
  bestEpoch: number;
  validation: VisionMetrics;
}

export async function trainVisionNet(
  train: readonly LabelledImage[],
  validation: readonly LabelledImage[],
  options: VisionTrainingOptions,
  rule: ThresholdRule = { kind: 'COST', missedFailure: 1, falseAlarm: 1 },
): Promise<TrainedVision> {
  const random = seededRandom(options.seed);
  const net = initialNet(options.size, random, options.channels);
  const optimiser = new Adam(net, options.learningRate);
  const weights = classWeights(train);
  const order = train.map((_, i) => i);
  const judged = validation.length > 0 ? validation : train;
  let best = { loss: Infinity, net: cloneNet(net), epoch: 0 };
  const trainer = ShardedTrainer.start(
    train.map((image) => image.input),
    options.size,
  );
  try {
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      // Cosine decay of the learning rate over the epochs allowed: large steps first, fine ones last.
      optimiser.rate = options.learningRate * 0.5 * (1 + Math.cos((Math.PI * epoch) / options.epochs));
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start < order.length; start += options.batchSize) {
        const batch = order.slice(start, start + options.batchSize);
        // A batch of one has no batch statistics to normalise with.
        if (batch.length < 2) continue;
        const grad = zeroGradient(net);
        const items = batch.map((index) => {
          const label = train[index]!.label;
          return { index, symmetry: Math.floor(random() * SYMMETRIES), label, weight: weights[label]! };
        });
        await trainer.train(net, items, grad);
        optimiser.update(grad, batch.length);
      }
      const loss = meanLoss(net, judged, weights);
      if (loss < best.loss) best = { loss, net: cloneNet(net), epoch };
    }
  } finally {
    await trainer.stop();
  }
  const scoring = foldNorm(best.net);
  const scores = judged.map((i) => score(scoring, i.input));
  const labels = judged.map((i) => i.label);
  const { threshold } = chooseThreshold(scores, labels, rule);
  return { net: best.net, threshold, epochs: options.epochs, bestEpoch: best.epoch + 1, validation: metricsOf(scores, labels, threshold) };
}

export function metricsOf(scores: readonly number[], labels: readonly number[], threshold: number): VisionMetrics {
  const confusion = confusionAt(scores, labels, threshold);
  const right = scores.filter((s, i) => (s >= threshold ? 1 : 0) === labels[i]).length;
  return {
    count: scores.length,
    defects: confusion.positives,
    accuracy: scores.length === 0 ? 0 : right / scores.length,
    precision: confusion.precision,
    recall: confusion.recall,
    auc: auc(scores, labels),
  };
}

/** The network's metrics on held-out frames at a threshold. */
export function evaluateVision(net: VisionNet, images: readonly LabelledImage[], threshold: number): VisionMetrics {
  const scoring = foldNorm(net);
  return metricsOf(
    images.map((i) => score(scoring, i.input)),
    images.map((i) => i.label),
    threshold,
  );
}
