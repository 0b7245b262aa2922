// A candidate judged against the champion on the candidate's own holdout: the champion version,
// checked like any version before it loads, scores the same asset windows with its own feature
// spec, and both are measured on the windows both could score (ROC AUC, Brier score, F1 at each
// one's threshold). Stored in the candidate's metrics as `comparedWithChampion`.
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import type { SeriesLoader } from '@threadline/db/telemetry/feature-series';
import type { Dataset } from './dataset.ts';
import { computeFeatures, scorable } from './features.ts';
import { auc, brierScore, confusionAt } from './metrics.ts';
import { packRows, type OnnxRunner } from './onnx-runner.ts';

export interface ArmMetrics {
  auc: number | null;
  brier: number;
  f1: number;
}

export interface ChampionComparison {
  championVersionId: string;
  championVersion: number;
  /** Holdout windows both versions scored. */
  windows: number;
  positives: number;
  candidate?: ArmMetrics;
  champion?: ArmMetrics;
  /** Why the champion could not be scored (it failed its integrity check, say). */
  refused?: string;
}

/** The champion as loaded to score (checked like any version), or the reason it was refused. */
export type LoadedChampion = { ok: true; runner: OnnxRunner; spec: FeatureSpec } | { ok: false; reason: string };

export async function compareWithChampion(
  series: SeriesLoader,
  champion: { id: string; version: number; threshold: number },
  loaded: LoadedChampion,
  holdout: Dataset,
  candidateScores: readonly number[],
  candidateThreshold: number,
): Promise<ChampionComparison> {
  const base = { championVersionId: champion.id, championVersion: champion.version, windows: 0, positives: 0 };
  if (holdout.rows.length === 0) return base;
  if (!loaded.ok) return { ...base, refused: loaded.reason };
  const byAsset = new Map<string, number[]>();
  holdout.assetIds.forEach((assetId, i) => byAsset.set(assetId, [...(byAsset.get(assetId) ?? []), i]));
  const windowMs = loaded.spec.windowSeconds * 1000;
  const inputs = await series(
    [...byAsset].map(([assetId, indices]) => ({
      assetId,
      after: Math.min(...indices.map((i) => holdout.windowEnds[i]!)) - windowMs,
      upTo: Math.max(...indices.map((i) => holdout.windowEnds[i]!)),
    })),
    loaded.spec,
  );
  const both: { index: number; values: Float64Array }[] = [];
  for (const [assetId, indices] of byAsset) {
    const { series: points, attributes } = inputs.get(assetId)!;
    computeFeatures(
      loaded.spec,
      points,
      indices.map((i) => holdout.windowEnds[i]!),
      attributes,
    ).forEach((row, k) => {
      if (scorable(row)) both.push({ index: indices[k]!, values: row.values });
    });
  }
  if (both.length === 0) return base;
  const out = await loaded.runner.run(
    packRows(
      both.map((b) => b.values),
      loaded.spec.reference.length,
    ),
    both.length,
  );
  const labels = both.map((b) => holdout.labels[b.index]!);
  return {
    ...base,
    windows: both.length,
    positives: labels.filter((l) => l === 1).length,
    candidate: armMetrics(
      both.map((b) => candidateScores[b.index]!),
      labels,
      candidateThreshold,
    ),
    champion: armMetrics(Array.from(out.scores.subarray(0, both.length)), labels, champion.threshold),
  };
}

function armMetrics(scores: readonly number[], labels: readonly number[], threshold: number): ArmMetrics {
  return { auc: auc(scores, labels), brier: brierScore(scores, labels), f1: confusionAt(scores, labels, threshold).f1 };
}
