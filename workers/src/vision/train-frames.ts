// A vision version from the labelled frames of a run's asset type (GOOD and DEFECT, labelled at
// ingest, with labelFrame, or by an insight's verdict): frames decoded as the model will see them,
// split by time (the oldest 70 % to train, the next 15 % to choose the epoch and the threshold,
// the newest 15 % held out for the figures), trained (train-vision.ts), exported to ONNX and
// checked against the TypeScript forward pass on the holdout before it may be registered.
import type pg from 'pg';
import type { FrameStore } from '@threadline/db/vision/frame-store';
import { labelledFrames } from '@threadline/db/vision/frame-scoring';
import type { ImageSpec } from '@threadline/db/vision/image-spec';
import { imageTrainingSchema, type TrainingParams } from '@threadline/db/models/training-params';
import { rawSqlOf } from '@threadline/db/sql';
import { TrainingRefused, type RunRule } from '../ml/train-model.ts';
import { foldNorm, score, type VisionNet } from './cnn.ts';
import { exportVisionOnnx } from './cnn-onnx.ts';
import { networkInput } from './pixels.ts';
import { evaluateVision, trainVisionNet, DEFAULT_VISION_TRAINING, type LabelledImage } from './train-vision.ts';
import { packImages, VisionRunner } from './vision-runner.ts';

/** Largest difference allowed between the ONNX graph's scores and the TypeScript forward pass. */
export const VISION_EXPORT_TOLERANCE = 1e-4;
/** Frames of each class a run needs at least. */
export const MIN_FRAMES_PER_CLASS = 10;

export interface FrameTrainingRun {
  organizationId: string;
  name: string;
  assetTypeId: string | null;
  dataWindowStartAt: Date;
  dataWindowEndAt: Date;
}

export async function trainOnFrames(pool: pg.Pool, store: FrameStore, run: FrameTrainingRun, params: TrainingParams, rule: RunRule) {
  if (!run.assetTypeId) throw new TrainingRefused('a vision model needs an asset type: its frames are those of the asset type’s assets');
  const image = imageTrainingSchema.parse(params.image ?? {});
  const { cameras: _cameras, ...training } = image;
  const frames = await labelledFrames(
    rawSqlOf(pool),
    run.organizationId,
    run.assetTypeId,
    { from: run.dataWindowStartAt, to: run.dataWindowEndAt },
    image.cameras ?? null,
  );
  const images: LabelledImage[] = [];
  for (const frame of frames) {
    const bytes = await store.get(frame.sha256);
    if (!bytes) continue;
    try {
      images.push({ input: networkInput(bytes, frame.contentType, image.size), label: frame.defect ? 1 : 0 });
    } catch {
      // A frame that passed the header checks but does not decode teaches nothing.
    }
  }
  const defects = images.filter((i) => i.label === 1).length;
  if (defects < MIN_FRAMES_PER_CLASS || images.length - defects < MIN_FRAMES_PER_CLASS) {
    throw new TrainingRefused(
      `a vision model needs at least ${MIN_FRAMES_PER_CLASS} labelled frames of each class in the data window; it has ${defects} DEFECT and ${images.length - defects} GOOD`,
    );
  }
  const [a, b] = [Math.floor(images.length * 0.7), Math.floor(images.length * 0.85)];
  const [train, validation, holdout] = [images.slice(0, a), images.slice(a, b), images.slice(b)];
  const trained = await trainVisionNet(train, validation, { ...DEFAULT_VISION_TRAINING, ...training, seed: params.seed }, rule.rule);
  const onnx = exportVisionOnnx(trained.net, run.name);
  const deviation = await exportDeviation(onnx, image.size, trained.net, holdout);
  if (deviation > VISION_EXPORT_TOLERANCE) throw new Error(`the ONNX export differs from the TypeScript network by ${deviation}; not registered`);
  const spec: ImageSpec = {
    version: 1,
    kind: 'IMAGE',
    size: image.size,
    channels: 1,
    normalisation: 'PER_IMAGE',
    cameras: image.cameras ?? null,
    occlusion: { patch: Math.max(2, Math.round(image.size / 8)), stride: Math.max(1, Math.round(image.size / 16)) },
  };
  return {
    family: 'CNN',
    onnx,
    featureSpec: spec,
    threshold: trained.threshold,
    // The holdout's figures at the top, as every family's (the models page reads auc, precision and recall there).
    metrics: {
      ...evaluateVision(trained.net, holdout, trained.threshold),
      frames: { train: train.length, validation: validation.length, holdout: holdout.length },
      epochs: trained.epochs,
      bestEpoch: trained.bestEpoch,
      validation: trained.validation,
      exportDeviation: deviation,
      thresholdRule: { ...rule.rule, source: rule.source },
    },
    referenceProfile: {},
  };
}

/** The largest difference between the graph's and the TypeScript network's scores on the images. */
export async function exportDeviation(onnx: Uint8Array, size: number, net: VisionNet, images: readonly LabelledImage[]): Promise<number> {
  const runner = await VisionRunner.load(onnx, size);
  try {
    const sample = images.slice(0, 256);
    if (sample.length === 0) return 0;
    const scores = await runner.run(packImages(sample.map((i) => i.input)), sample.length);
    const scoring = foldNorm(net);
    return Math.max(...sample.map((i, k) => Math.abs(scores[k]! - score(scoring, i.input))));
  } finally {
    await runner.release();
  }
}
