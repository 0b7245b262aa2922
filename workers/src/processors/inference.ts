// The inference job: scores a micro-batch of asset windows for one deployment. Features come from
// stored telemetry, the version's ONNX session scores all windows and their explanations in one
// run, and predictions and the insights they raise commit in one transaction (insights only from
// deployments that act: champions, and challengers on their A/B share; shadows never). Predictions are
// unique per (version, asset, window end), so a retried or repeated job writes nothing twice.
// A version that fails its integrity check puts the deployment on its fallback rules; a streaming
// detector's version is scored sample by sample instead (streaming-inference.ts).
import type pg from 'pg';
import { deploymentToScore, enterFallback } from '@threadline/db/models/scoring';
import type { InferencePayload } from '@threadline/db/jobs';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { loadFeatureInputs } from '@threadline/db/telemetry/feature-series';
import { computeFeatures, gridEnds, scorable, type FeatureRow } from '../ml/features.ts';
import { explainedScores } from '../ml/explained-scores.ts';
import { runFallbackRules } from '../inference/fallback-rules.ts';
import type { VersionCache } from '../inference/version-cache.ts';
import { runStreamingInference } from './streaming-inference.ts';
import { recordScores, type InferenceResult } from '@threadline/db/models/record-scores';
import type { PipelineMetrics } from '@threadline/db/observability/metrics';
import { inSpan } from '@threadline/db/observability/tracing';

export interface InferenceDeps {
  pool: pg.Pool;
  versions: VersionCache;
  /** Where each batch's time through onnxruntime is counted. */
  metrics?: PipelineMetrics;
}

export async function runInference(deps: InferenceDeps, payload: InferencePayload): Promise<InferenceResult> {
  const deployment = await deploymentToScore(rawSqlOf(deps.pool), payload.organizationId, payload.deploymentId);
  const none: InferenceResult = { windows: 0, predictions: 0, insightsRaised: 0, fallback: false };
  if (!deployment || (deployment.status !== 'ACTIVE' && deployment.status !== 'FALLBACK')) return none;
  const loaded = await deps.versions.get(deployment.organizationId, deployment.modelVersionId);
  if (!loaded.ok) {
    if (deployment.status !== 'FALLBACK') await inTransaction(deps.pool, (db) => enterFallback(db, deployment, loaded.reason));
    // A shadow's fallback would act where it must not: it waits for a version that loads.
    if (!deployment.acts) return { ...none, fallback: true };
    return { ...(await runFallbackRules(deps.pool, deployment, payload.windows)), fallback: true };
  }
  if (loaded.kind === 'STREAMING') return runStreamingInference(deps.pool, deployment, loaded.spec, payload.windows);
  const { spec, runner } = loaded;
  const windowMs = spec.windowSeconds * 1000;
  const inputs = await loadFeatureInputs(
    deps.pool,
    deployment.organizationId,
    payload.windows.map((w) => ({ assetId: w.assetId, after: w.after - windowMs, upTo: w.upTo })),
    spec,
  );
  const scored: { assetId: string; row: FeatureRow }[] = [];
  for (const w of payload.windows) {
    const { series, attributes } = inputs.get(w.assetId)!;
    for (const row of computeFeatures(spec, series, gridEnds(spec, w.after, w.upTo), attributes)) {
      if (scorable(row)) scored.push({ assetId: w.assetId, row });
    }
  }
  if (scored.length === 0) return none;
  const explained = await inSpan(
    'inference.score',
    { attributes: { 'threadline.windows': scored.length, 'threadline.model_version': deployment.modelVersionId } },
    async () => {
      const started = performance.now();
      const result = await explainedScores(
        runner,
        spec,
        deployment.task,
        scored.map((s) => s.row),
      );
      deps.metrics?.observeInference(deployment.task, (performance.now() - started) / 1000);
      return result;
    },
  );
  const windows = scored.map((s, i) => ({ assetId: s.assetId, windowEnd: s.row.windowEnd, earliestReceived: s.row.earliestReceived, ...explained[i]! }));
  return inSpan('predictions.record', {}, async (span) => {
    const result = await inTransaction(deps.pool, (db) => recordScores(db, deployment, windowMs, windows));
    span.setAttributes({ 'threadline.predictions': result.predictions, 'threadline.insights_raised': result.insightsRaised });
    return result;
  });
}
