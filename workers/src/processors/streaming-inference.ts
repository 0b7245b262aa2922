// The inference job for a streaming anomaly detector (streaming-spec.ts): per asset, under a lock
// on its learnt state (detector-states.ts), the samples of the spec's signals that arrived since
// the state was last saved are scored one by one, in time order, whatever the job's windows say,
// so jobs that overlap, run out of order or repeat score each sample once and none is skipped. A
// deployment without a state scores from where it starts (its backfill, or when it was deployed;
// the job's window when its data is older), having learnt from the hours before. Each grid
// window keeps its most surprising sample as its prediction, explained by the signal, its value,
// what was expected and which expectation it broke; predictions, insights and the new state
// commit together.
import type pg from 'pg';
import { expandExplanation, insightTitle, type CompactExplanation } from '@threadline/db/models/explanation';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { lockDetectorState, saveDetectorState } from '@threadline/db/models/detector-states';
import type { ScoringDeployment } from '@threadline/db/models/scoring';
import { EXPECTATIONS } from '@threadline/db/models/streaming-spec';
import type { InferenceWindow } from '@threadline/db/jobs';
import { inTransaction, type RawSql } from '@threadline/db/sql';
import { loadSeries } from '@threadline/db/telemetry/feature-series';
import { AssetDetector, type AssetDetectorState } from '../ml/streaming-detector.ts';
import { detectWindows } from '../ml/streaming-windows.ts';
import { recordScores, type InferenceResult, type ScoredWindow } from '@threadline/db/models/record-scores';

/** How far back a deployment without a state learns before the first window it scores. */
export const STREAMING_WARMUP_MS = 6 * 3_600_000;

const LABEL = 'Anomaly';

export async function runStreamingInference(
  pool: pg.Pool,
  deployment: ScoringDeployment,
  spec: FeatureSpec,
  windows: readonly InferenceWindow[],
): Promise<InferenceResult> {
  const spans = new Map<string, { after: number; upTo: number }>();
  for (const w of windows) {
    const span = spans.get(w.assetId);
    spans.set(w.assetId, span ? { after: Math.min(span.after, w.after), upTo: Math.max(span.upTo, w.upTo) } : { after: w.after, upTo: w.upTo });
  }
  const total: InferenceResult = { windows: 0, predictions: 0, insightsRaised: 0, fallback: false };
  for (const [assetId, span] of spans) {
    const result = await inTransaction(pool, (db, client) => scoreAsset(db, client, deployment, spec, assetId, span));
    total.windows += result.windows;
    total.predictions += result.predictions;
    total.insightsRaised += result.insightsRaised;
  }
  return total;
}

async function scoreAsset(
  db: RawSql,
  client: pg.PoolClient,
  deployment: ScoringDeployment,
  spec: FeatureSpec,
  assetId: string,
  span: { after: number; upTo: number },
): Promise<InferenceResult> {
  const none: InferenceResult = { windows: 0, predictions: 0, insightsRaised: 0, fallback: false };
  const stored = await lockDetectorState(db, deployment.organizationId, deployment.id, assetId, deployment.modelVersionId);
  const step = spec.stepSeconds * 1000;
  const scoreAfter = stored ? stored.scoredTo : Math.min(span.after, Math.floor(deployment.startsAt / step) * step);
  if (span.upTo <= scoreAfter) return none;
  const names = spec.signals.map((s) => s.name);
  const series = (
    await loadSeries(client, deployment.organizationId, [{ assetId, after: stored ? scoreAfter : scoreAfter - STREAMING_WARMUP_MS, upTo: span.upTo }], names)
  ).get(assetId)!;
  const detector = new AssetDetector(names, stored?.state as AssetDetectorState | undefined);
  const best = detectWindows(detector, names, series, step, scoreAfter);
  const scored = [...best].map(([windowEnd, { detection, signal, earliestReceived }]): ScoredWindow => {
    const explanation: CompactExplanation = [
      [signal, round(detection.value), round(detection.surprise), round(detection.expected), EXPECTATIONS.indexOf(detection.expectation)],
    ];
    return {
      assetId,
      windowEnd,
      score: detection.score,
      explanation,
      earliestReceived,
      describe: () => {
        const expanded = expandExplanation(spec, explanation);
        return { explanation: expanded, title: insightTitle(LABEL, detection.score, expanded[0]) };
      },
    };
  });
  const result = scored.length > 0 ? await recordScores(db, deployment, step, scored) : none;
  await saveDetectorState(db, {
    organizationId: deployment.organizationId,
    deploymentId: deployment.id,
    assetId,
    versionId: deployment.modelVersionId,
    state: detector.toJSON(),
    scoredTo: span.upTo,
  });
  return result;
}

const round = (x: number) => Number(x.toFixed(4));
