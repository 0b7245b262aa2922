// A streaming detector's version (family STREAMING): nothing is fitted, since the detector learns
// each series as it streams and its settings are one for every series; "training" plays the data
// window through it for every asset and reports what it would have done there against the
// window's incidents (detector-evaluation.ts): flagged windows, false-alarm episodes per asset-day,
// incidents flagged ahead and how early, the event-window scores. The threshold is the default 0.5, or the
// lowest that keeps false alarms within `targetFalseAlarmsPerDay` on the window: the promotion
// path of a detector without labels.
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { streamingArtifact } from '@threadline/db/models/streaming-spec';
import type { TrainingParams } from '@threadline/db/models/training-params';
import type { TrainingSource } from '@threadline/db/models/training-data';
import { detectorFigures, playDetector } from './detector-evaluation.ts';
import { DETECTOR_SETTINGS } from './streaming-detector.ts';
import { TrainingRefused } from './train-model.ts';

export const DEFAULT_DETECTOR_THRESHOLD = 0.5;

export interface StreamingOutcome {
  family: 'STREAMING';
  onnx: Uint8Array;
  featureSpec: FeatureSpec;
  threshold: number;
  metrics: Record<string, unknown>;
  referenceProfile: Record<string, never>;
}

export async function trainStreamingDetector(source: TrainingSource, window: { from: Date; to: Date }, params: TrainingParams): Promise<StreamingOutcome> {
  const properties = await source.properties();
  const signals = params.signals ? properties.filter((p) => params.signals!.includes(p.name)) : properties;
  const unknown = (params.signals ?? []).filter((n) => !properties.some((p) => p.name === n));
  if (unknown.length > 0) throw new TrainingRefused(`the asset type has no numeric property ${unknown.join(', ')}`);
  if (signals.length === 0) throw new TrainingRefused('the asset type has no numeric properties to watch');
  const spec: FeatureSpec = {
    version: 1,
    detector: 'STREAMING',
    windowSeconds: params.stepSeconds,
    stepSeconds: params.stepSeconds,
    signals,
    aggregates: ['last'],
    reference: signals.map(() => 0),
  };
  const [from, to] = [window.from.getTime(), window.to.getTime()];
  const assets = await source.assets(params.assetIds ?? null);
  const labels = (await source.incidents(assets, from, to)).map((i) => ({ assetId: i.assetId, start: i.start, end: i.end }));
  const played = await playDetector(source.series, spec, assets, { from, to }, labels);
  const step = spec.stepSeconds * 1000;
  const horizon = params.horizonMinutes * 60_000;
  const windows = played.reduce((n, a) => n + a.ends.length, 0);
  if (windows < 100) throw new TrainingRefused(`only ${windows} scored windows in the data window; widen it or wait for more data`);
  const target = params.targetFalseAlarmsPerDay;
  const threshold =
    target === undefined
      ? DEFAULT_DETECTOR_THRESHOLD
      : (THRESHOLDS.find((t) => detectorFigures(played, t, step, horizon).falseAlarmsPerDay <= target) ?? THRESHOLDS.at(-1)!);
  const figures = detectorFigures(played, threshold, step, horizon);
  return {
    family: 'STREAMING',
    onnx: streamingArtifact(
      signals.map((s) => s.name),
      DETECTOR_SETTINGS,
    ),
    featureSpec: spec,
    threshold,
    metrics: {
      family: 'STREAMING',
      threshold,
      ...(target === undefined ? {} : { targetFalseAlarmsPerDay: target, meetsTarget: figures.falseAlarmsPerDay <= target }),
      ...figures,
    },
    referenceProfile: {},
  };
}

/** The thresholds a false-alarm target chooses among, lowest first. */
const THRESHOLDS = Array.from({ length: 61 }, (_, i) => Number((0.3 + i * 0.01).toFixed(2)));
