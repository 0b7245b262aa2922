// The version a federated run yields: its global weights as a logistic regression over the spec's
// features, scaled by the spec's public bounds, exported to ONNX and checked against the
// TypeScript forward pass at the corners and centre of the bounds (the core holds no row to check
// on), with the threshold and figures the sites' noised histograms gave and the privacy spent.
import type { FederatedRun } from '@threadline/db/federation/federated-runs';
import { boundsScaling, encodingOf } from '@threadline/db/federation/federated-spec';
import { featureNamesOf } from '@threadline/db/models/labelled-table';
import type { TableSpec } from '@threadline/db/models/table-spec';
import type { TrainedModel } from '../ml/model-families.ts';
import { exportOnnx } from '../ml/onnx-export.ts';
import { EXPORT_TOLERANCE, exportDeviation, TrainingRefused } from '../ml/train-model.ts';

/** Rows spread over the bounds: the centre, and each feature at either end with the rest at a pseudo-random mix. */
function probeRows(center: readonly number[], scale: readonly number[]): Float64Array[] {
  const rows = [Float64Array.from(center)];
  for (let k = 0; k < 64; k += 1) rows.push(Float64Array.from(center, (c, f) => c + scale[f]! * Math.cos(1 + k * 7.3 + f * 2.1)));
  return rows;
}

export async function federatedVersion(run: FederatedRun, name: string) {
  if (run.phase !== 'AGGREGATED' || !run.result) throw new TrainingRefused(`federated run ${run.id} is still at ${run.phase} round ${run.round}`);
  const scaling = boundsScaling(run.spec);
  const weights = run.state.weights;
  const model: TrainedModel = { family: 'LOGISTIC', standardizer: scaling, weights: weights.slice(0, -1), bias: weights.at(-1)! };
  const encoding = encodingOf(run.spec);
  const features = featureNamesOf(encoding);
  const reference = scaling.center.map(Math.fround);
  const onnx = exportOnnx(model, reference, { name, features });
  const deviation = await exportDeviation(model, onnx, reference, { rows: probeRows(scaling.center, scaling.scale) });
  if (deviation > EXPORT_TOLERANCE) throw new Error(`the ONNX export differs from the TypeScript model by ${deviation}; nothing written`);
  const spec: TableSpec = { version: 1, kind: 'TABLE', datasetId: null, label: run.spec.label, time: null, drop: [], encoding, reference };
  const { threshold, precision, recall, f1, auc, positives, negatives, stopReason } = run.result;
  return {
    family: 'LOGISTIC',
    onnx,
    featureSpec: spec,
    threshold,
    referenceProfile: {},
    metrics: {
      family: 'LOGISTIC',
      chosen: `federated logistic regression over ${run.siteCodes.length} sites`,
      // Read from the sites' noised score histograms over their own rows (training data, not a holdout).
      auc,
      precision,
      recall,
      f1,
      threshold,
      privacy: { epsilon: run.epsilon, delta: run.privacy.delta },
      federated: {
        federatedRunId: run.id,
        sites: run.siteCodes,
        rounds: run.round,
        stopReason,
        epsilonBudget: run.privacy.epsilon,
        noiseMultiplier: run.privacy.noiseMultiplier,
        clipNorm: run.privacy.clipNorm,
        histogramNoise: run.privacy.histogramNoise,
        noisedRows: Math.round(positives + negatives),
        noisedPositives: Math.round(positives),
      },
      onnxMaxDeviation: deviation,
    },
  };
}
