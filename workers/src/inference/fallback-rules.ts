// The fallback rules a deployment runs when its model version cannot be trusted or loaded: the
// asset type's normal ranges. A window whose mean leaves a property's range raises a THRESHOLD
// insight marked as coming from the fallback, so insights keep flowing while the model is out.
import type pg from 'pg';
import { raiseInsights } from '@threadline/db/insights/raise-insights';
import type { InferenceWindow } from '@threadline/db/jobs';
import type { ExplanationEntry } from '@threadline/db/models/explanation';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { numericProperties, type ScoringDeployment } from '@threadline/db/models/scoring';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { loadSeries } from '@threadline/db/telemetry/feature-series';
import { computeFeatures, gridEnds } from '../ml/features.ts';

export type FallbackDeployment = Pick<ScoringDeployment, 'id' | 'organizationId' | 'assetTypeId' | 'useCaseId' | 'featureSpec'>;

const DEFAULT_WINDOW_SECONDS = 600;
const DEFAULT_STEP_SECONDS = 10;

export async function runFallbackRules(
  pool: pg.Pool,
  deployment: FallbackDeployment,
  windows: readonly InferenceWindow[],
): Promise<{ windows: number; predictions: number; insightsRaised: number }> {
  const properties = await numericProperties(rawSqlOf(pool), deployment.organizationId, deployment.assetTypeId, true);
  if (properties.length === 0) return { windows: 0, predictions: 0, insightsRaised: 0 };
  const spec: FeatureSpec = {
    version: 1,
    windowSeconds: Number(deployment.featureSpec.windowSeconds) || DEFAULT_WINDOW_SECONDS,
    stepSeconds: Number(deployment.featureSpec.stepSeconds) || DEFAULT_STEP_SECONDS,
    signals: properties,
    aggregates: ['mean'],
    reference: properties.map((p) => ((p.min ?? p.max ?? 0) + (p.max ?? p.min ?? 0)) / 2),
  };
  const windowMs = spec.windowSeconds * 1000;
  const series = await loadSeries(
    pool,
    deployment.organizationId,
    windows.map((w) => ({ assetId: w.assetId, after: w.after - windowMs, upTo: w.upTo })),
    properties.map((p) => p.name),
  );
  const candidates = windows.flatMap((w) =>
    computeFeatures(spec, series.get(w.assetId)!, gridEnds(spec, w.after, w.upTo))
      .filter((row) => row.points > 0)
      .map((row) => {
        const breaches = breachesOf(spec, row.values);
        const top = breaches[0];
        return {
          assetId: w.assetId,
          windowEnd: row.windowEnd,
          score: breaches.length > 0 ? 1 : 0,
          predictionId: null,
          windowMs,
          earliestReceived: row.earliestReceived,
          describe: () => ({
            explanation: breaches,
            title: top
              ? `Fallback rule: ${top.signal} mean ${top.value}${top.unit ? ` ${top.unit}` : ''} outside its normal range (limit ${top.reference}); the model is not running`
              : '',
          }),
        };
      }),
  );
  const insightsRaised = await inTransaction(pool, (db) =>
    raiseInsights(
      db,
      deployment.organizationId,
      {
        key: `fallback:${deployment.id}`,
        kind: 'THRESHOLD',
        fromFallback: true,
        modelVersionId: null,
        useCaseId: deployment.useCaseId,
      },
      0.5,
      candidates,
    ),
  );
  return { windows: candidates.length, predictions: 0, insightsRaised };
}

/** Signals whose window mean is outside their range, the furthest out (relative to the range) first. */
function breachesOf(spec: FeatureSpec, means: ArrayLike<number>): ExplanationEntry[] {
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
