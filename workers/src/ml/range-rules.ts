// The fallback rules a deployment runs when its model version cannot be trusted or loaded, purely:
// the asset type's normal ranges. A window whose mean leaves a property's range scores 1 (it raises
// a THRESHOLD insight marked as coming from the fallback), otherwise 0. The cloud's fallback
// (inference/fallback-rules.ts) and the edge agent run this same code.
import type { ExplanationEntry } from '@threadline/db/models/explanation';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import type { PropertyRange } from '@threadline/db/models/scoring';
import { computeFeatures, type AssetSeries } from './features.ts';

const DEFAULT_WINDOW_SECONDS = 600;
const DEFAULT_STEP_SECONDS = 10;

export interface RangeWindow {
  windowEnd: number;
  /** 1 when a mean left its range, else 0. */
  score: number;
  /** The signals out of range, the furthest out first. */
  breaches: ExplanationEntry[];
  title: string;
  earliestReceived: number | null;
}

/** A feature spec of each ranged property's window mean, on the deployment's window and step (or defaults). */
export function rangeSpec(properties: readonly PropertyRange[], windowSeconds?: number, stepSeconds?: number): FeatureSpec {
  return {
    version: 1,
    windowSeconds: Number(windowSeconds) || DEFAULT_WINDOW_SECONDS,
    stepSeconds: Number(stepSeconds) || DEFAULT_STEP_SECONDS,
    signals: [...properties],
    aggregates: ['mean'],
    reference: properties.map((p) => ((p.min ?? p.max ?? 0) + (p.max ?? p.min ?? 0)) / 2),
  };
}

/** The windows ending at `ends` that hold points, scored by the ranges. */
export function rangeWindows(spec: FeatureSpec, series: AssetSeries, ends: readonly number[]): RangeWindow[] {
  return computeFeatures(spec, series, ends)
    .filter((row) => row.points > 0)
    .map((row) => {
      const breaches = rangeBreaches(spec, row.values);
      const top = breaches[0];
      return {
        windowEnd: row.windowEnd,
        score: breaches.length > 0 ? 1 : 0,
        breaches,
        title: top
          ? `Fallback rule: ${top.signal} mean ${top.value}${top.unit ? ` ${top.unit}` : ''} outside its normal range (limit ${top.reference}); the model is not running`
          : '',
        earliestReceived: row.earliestReceived,
      };
    });
}

/** Signals whose window mean is outside their range, the furthest out (relative to the range) first. */
function rangeBreaches(spec: FeatureSpec, means: ArrayLike<number>): ExplanationEntry[] {
  return spec.signals
    .flatMap((s, i) => {
      const value = means[i]!;
      const limit = s.max !== null && value > s.max ? s.max : s.min !== null && value < s.min ? s.min : null;
      if (limit === null) return [];
      const span = s.max !== null && s.min !== null && s.max > s.min ? s.max - s.min : Math.abs(limit) || 1;
      return [
        {
          feature: `${s.name}.mean`,
          signal: s.name,
          aggregate: 'mean',
          value: Number(value.toFixed(4)),
          reference: limit,
          unit: s.unit,
          contribution: Number((Math.abs(value - limit) / span).toFixed(5)),
        },
      ];
    })
    .sort((a, b) => b.contribution - a.contribution);
}
