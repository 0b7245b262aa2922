// A streaming detector's version (family STREAMING): nothing is fitted, since the detector learns
// each series as it streams and its settings are one for every series; "training" plays the data
// window through it for every asset and reports what it would have done there: the windows it
// flagged, false-alarm episodes per asset-day, the incidents it flagged ahead of and how early,
// and the event-window score against those incidents. The threshold is the default 0.5, or the
// lowest that keeps false alarms within `targetFalseAlarmsPerDay` on the window: the promotion
// path of a detector without labels.
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { streamingArtifact } from '@threadline/db/models/streaming-spec';
import type { TrainingParams } from '@threadline/db/models/training-params';
import type { TrainingSource } from '@threadline/db/models/training-data';
import type { Incident } from '@threadline/db/telemetry/incident-spans';
import { incidentsByAsset } from './dataset.ts';
import { corpusScore, PROFILES } from './event-window-score.ts';
import { AssetDetector, DETECTOR_SETTINGS } from './streaming-detector.ts';
import { detectWindows } from './streaming-windows.ts';
import { TrainingRefused } from './train-model.ts';

export const DEFAULT_DETECTOR_THRESHOLD = 0.5;
const DAY_MS = 86_400_000;

export interface StreamingOutcome {
  family: 'STREAMING';
  onnx: Uint8Array;
  featureSpec: FeatureSpec;
  threshold: number;
  metrics: Record<string, unknown>;
  referenceProfile: Record<string, never>;
}

/** One asset's scored windows in time order. */
interface AssetWindows {
  ends: number[];
  scores: number[];
  incidents: Incident[];
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
  const byAsset = incidentsByAsset(await source.incidents(assets, from, to));
  const names = signals.map((s) => s.name);
  const step = spec.stepSeconds * 1000;
  const played: AssetWindows[] = [];
  for (const assetId of assets) {
    const inputs = (await source.series([{ assetId, after: from, upTo: to }], spec)).get(assetId)!;
    const windows = [...detectWindows(new AssetDetector(names), names, inputs.series, step, from)].sort((a, b) => a[0] - b[0]);
    if (windows.length > 0)
      played.push({ ends: windows.map(([end]) => end), scores: windows.map(([, w]) => w.detection.score), incidents: byAsset.get(assetId) ?? [] });
  }
  const windows = played.reduce((n, a) => n + a.ends.length, 0);
  if (windows < 100) throw new TrainingRefused(`only ${windows} scored windows in the data window; widen it or wait for more data`);
  const horizon = params.horizonMinutes * 60_000;
  const target = params.targetFalseAlarmsPerDay;
  const threshold =
    target === undefined
      ? DEFAULT_DETECTOR_THRESHOLD
      : (THRESHOLDS.find((t) => outcomeAt(played, t, step, horizon).falseAlarmsPerDay <= target) ?? THRESHOLDS.at(-1)!);
  const outcome = outcomeAt(played, threshold, step, horizon);
  const incidents = played.reduce((n, a) => n + a.incidents.filter((i) => i.start > from && i.start <= to).length, 0);
  const labelled = played.map((a) => ({
    series: { rows: a.ends.length, onsets: a.incidents.map((i) => a.ends.findIndex((end) => end >= i.start)).filter((row) => row >= 0) },
    scores: a.scores,
  }));
  return {
    family: 'STREAMING',
    onnx: streamingArtifact(names, DETECTOR_SETTINGS),
    featureSpec: spec,
    threshold,
    metrics: {
      family: 'STREAMING',
      threshold,
      ...(target === undefined ? {} : { targetFalseAlarmsPerDay: target, meetsTarget: outcome.falseAlarmsPerDay <= target }),
      windows,
      assets: played.length,
      ...outcome,
      incidents,
      eventWindowScore: incidents > 0 ? Number(corpusScore(labelled, threshold, PROFILES[0]!).score.toFixed(1)) : null,
    },
    referenceProfile: {},
  };
}

const THRESHOLDS = Array.from({ length: 61 }, (_, i) => Number((0.3 + i * 0.01).toFixed(2)));

/**
 * What the detector would have done at a threshold: flagged windows, episodes (flagged windows
 * less than ten steps apart), false-alarm episodes per asset-day (those neither within the horizon
 * before an incident nor during one), incidents flagged ahead and the lead times.
 */
function outcomeAt(played: readonly AssetWindows[], threshold: number, step: number, horizon: number) {
  let flagged = 0;
  let falseAlarms = 0;
  let days = 0;
  const leads: number[] = [];
  let missed = 0;
  for (const { ends, scores, incidents } of played) {
    days += (ends.at(-1)! - ends[0]! + step) / DAY_MS;
    const starts: number[] = [];
    let last = -Infinity;
    ends.forEach((end, i) => {
      if (scores[i]! < threshold) return;
      flagged += 1;
      if (end - last > 10 * step) starts.push(end);
      last = end;
    });
    const explained = (t: number) => incidents.some((inc) => (t >= inc.start - horizon && t <= inc.start) || (t > inc.start && t <= inc.end));
    falseAlarms += starts.filter((t) => !explained(t)).length;
    for (const inc of incidents.filter((i) => i.start > ends[0]! && i.start <= ends.at(-1)!)) {
      const first = starts.find((t) => t >= inc.start - horizon && t <= inc.start);
      if (first === undefined) missed += 1;
      else leads.push((inc.start - first) / 60_000);
    }
  }
  return {
    flaggedWindows: flagged,
    falseAlarmEpisodes: falseAlarms,
    falseAlarmsPerDay: days > 0 ? Number((falseAlarms / days).toFixed(3)) : 0,
    incidentsFlagged: leads.length,
    incidentsMissed: missed,
    leadTimeMinutes:
      leads.length > 0 ? { min: Math.min(...leads), median: leads.sort((a, b) => a - b)[Math.floor(leads.length / 2)]!, max: Math.max(...leads) } : null,
  };
}
