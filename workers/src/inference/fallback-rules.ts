// The fallback rules a deployment runs when its model version cannot be trusted or loaded: the
// asset type's normal ranges. A window whose mean leaves a property's range raises a THRESHOLD
// insight marked as coming from the fallback, so insights keep flowing while the model is out.
import type pg from 'pg';
import { fallbackSourceKey, raiseInsights } from '@threadline/db/insights/raise-insights';
import type { InferenceWindow } from '@threadline/db/jobs';
import { numericProperties, type ScoringDeployment } from '@threadline/db/models/scoring';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { loadSeries } from '@threadline/db/telemetry/feature-series';
import { gridEnds } from '../ml/features.ts';
import { rangeSpec, rangeWindows } from '../ml/range-rules.ts';

export type FallbackDeployment = Pick<ScoringDeployment, 'id' | 'organizationId' | 'assetTypeId' | 'useCaseId' | 'featureSpec'>;

export async function runFallbackRules(
  pool: pg.Pool,
  deployment: FallbackDeployment,
  windows: readonly InferenceWindow[],
): Promise<{ windows: number; predictions: number; insightsRaised: number }> {
  const properties = await numericProperties(rawSqlOf(pool), deployment.organizationId, deployment.assetTypeId, true);
  if (properties.length === 0) return { windows: 0, predictions: 0, insightsRaised: 0 };
  const spec = rangeSpec(properties, deployment.featureSpec.windowSeconds, deployment.featureSpec.stepSeconds);
  const windowMs = spec.windowSeconds * 1000;
  const series = await loadSeries(
    pool,
    deployment.organizationId,
    windows.map((w) => ({ assetId: w.assetId, after: w.after - windowMs, upTo: w.upTo })),
    properties.map((p) => p.name),
  );
  const candidates = windows.flatMap((w) =>
    rangeWindows(spec, series.get(w.assetId)!, gridEnds(spec, w.after, w.upTo)).map((row) => ({
      assetId: w.assetId,
      windowEnd: row.windowEnd,
      score: row.score,
      predictionId: null,
      windowMs,
      earliestReceived: row.earliestReceived,
      describe: () => ({ explanation: row.breaches, title: row.title }),
    })),
  );
  const insightsRaised = await inTransaction(pool, (db) =>
    raiseInsights(
      db,
      deployment.organizationId,
      {
        key: fallbackSourceKey(deployment.id),
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
