// Predictions and insights from scored windows, whichever model scored them (an ONNX graph or the
// streaming detector): predictions are unique per (version, asset, window end), so a retried or
// repeated job writes nothing twice, and only newly stored predictions raise insights, only from
// deployments that act (champions, and challengers on their A/B share; shadows never).
import { inSpan } from '../observability/tracing.ts';
import { type CompactExplanation, type ExplanationEntry } from './explanation.ts';
import { leaveFallback, storePredictions, type ScoringDeployment } from './scoring.ts';
import { modelSourceKey, raiseInsights, type InsightSource } from '../insights/raise-insights.ts';
import type { RawSql } from '../sql.ts';
import type { FrameEvidence, FrameReference } from '../vision/frame-scoring.ts';

export interface InferenceResult {
  windows: number;
  predictions: number;
  insightsRaised: number;
  fallback: boolean;
}

const KIND_OF_TASK: Record<string, string> = {
  FAILURE_RISK: 'FAILURE_RISK',
  ANOMALY_DETECTION: 'ANOMALY',
  FORECAST: 'FORECAST',
  DEFECT_CLASSIFICATION: 'THRESHOLD',
};

interface WindowDescription {
  explanation: (ExplanationEntry | FrameEvidence)[];
  title: string;
}

/** A scored window as stored: its prediction's compact explanation, and how an insight from it reads. */
export interface ScoredWindow {
  assetId: string;
  windowEnd: number;
  score: number;
  /** A window's compact explanation; a frame's prediction names its frame instead. */
  explanation: CompactExplanation | FrameReference[];
  earliestReceived: number | null;
  /** When an edge agent raised its insight on site (forwarded windows). */
  raisedAt?: number | null;
  describe: () => WindowDescription | Promise<WindowDescription>;
}

/**
 * Stores the windows' predictions and, for a deployment that acts, the insights they raise, in the
 * caller's transaction; a deployment on its fallback rules leaves them.
 */
export async function recordScores(db: RawSql, deployment: ScoringDeployment, windowMs: number, scored: readonly ScoredWindow[]): Promise<InferenceResult> {
  const threshold = deployment.policy?.insightThreshold ?? deployment.threshold;
  const stored = await storePredictions(db, deployment, scored);
  let insightsRaised = 0;
  if (deployment.acts && stored.length > 0) {
    const index = new Map(scored.map((s, i) => [`${s.assetId}|${s.windowEnd}`, i]));
    const source: InsightSource = {
      key: modelSourceKey(deployment.modelId),
      kind: KIND_OF_TASK[deployment.task] ?? 'THRESHOLD',
      fromFallback: false,
      modelVersionId: deployment.modelVersionId,
      useCaseId: deployment.useCaseId,
    };
    insightsRaised = await inSpan('insights.raise', {}, () =>
      raiseInsights(
        db,
        deployment.organizationId,
        source,
        threshold,
        stored.map((p) => {
          const s = scored[index.get(`${p.assetId}|${p.windowEnd}`)!]!;
          return {
            assetId: p.assetId,
            windowEnd: p.windowEnd,
            score: s.score,
            predictionId: p.id,
            windowMs,
            earliestReceived: s.earliestReceived,
            raisedAt: s.raisedAt ?? null,
            describe: s.describe,
          };
        }),
      ),
    );
  }
  if (deployment.status === 'FALLBACK') await leaveFallback(db, deployment);
  return { windows: scored.length, predictions: stored.length, insightsRaised, fallback: false };
}
