// The drift check of one deployment: features of its assets over the policy's recent window on a
// coarse grid, compared per feature with the version's reference profile (PSI, two-sample KS) and,
// across successive checks, a CUSUM of the window mean's shift (slow sensor drift); the score
// distribution with the training scores (prediction drift); and, where incidents label the
// window, the predictions judged like the holdout was (performance decay). The report is
// stored; a drifting model whose policy allows it gets a training run (trigger DRIFT, lineage to
// the report and the version) through the outbox, in the same transaction, without a person.
import type pg from 'pg';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { assetsScoredBy } from '@threadline/db/models/deployment-scope';
import { deploymentForDrift, previousCusum, recordDriftReport, type StoredDriftReport } from '@threadline/db/models/drift-reports';
import { featureNames } from '@threadline/db/models/feature-spec';
import { modelPolicySchema } from '@threadline/db/models/model-policy';
import { predictionsBetween } from '@threadline/db/models/predictions';
import { horizonMsOf } from '@threadline/db/models/training-params';
import { rawSqlOf } from '@threadline/db/sql';
import { loadFeatureInputs } from '@threadline/db/telemetry/feature-series';
import { trainingSourceOf } from '@threadline/db/models/training-data';
import { loadLabels, windowLabel } from '../ml/dataset.ts';
import { cusumStep, featureDrift } from '../ml/drift.ts';
import { auc, brierScore, confusionAt } from '../ml/metrics.ts';
import { computeFeatures, gridEnds, scorable } from '../ml/features.ts';
import type { FeatureProfile } from '../ml/profile.ts';
import { systemClock } from '@threadline/db/clock';

export type DriftCheckResult = StoredDriftReport | { driftReportId: null; drifting: false; trainingRunId: null };

/** At least this many recent windows, or no report. */
const MIN_WINDOWS = 30;

export async function runDriftCheck(
  pool: pg.Pool,
  payload: { organizationId: string; deploymentId: string },
  now = systemClock.nowMs(),
): Promise<DriftCheckResult> {
  const none = { driftReportId: null, drifting: false as const, trainingRunId: null };
  const d = await deploymentForDrift(pool, payload.organizationId, payload.deploymentId);
  const spec = d?.featureSpec;
  const profiles = d?.referenceProfile.features as FeatureProfile[] | undefined;
  if (!d || d.status === 'RETIRED' || !spec || !profiles || profiles.length !== spec.reference.length) return none;
  const policy = modelPolicySchema.parse(d.policy ?? {});
  const from = now - policy.driftWindowHours * 3_600_000;
  const assets = await assetsScoredBy(rawSqlOf(pool), payload.organizationId, payload.deploymentId);
  const windowMs = spec.windowSeconds * 1000;
  // Windows that do not overlap, so the tests see (nearly) independent samples.
  const grid = { stepSeconds: Math.max(spec.stepSeconds, spec.windowSeconds) };
  const inputs = await loadFeatureInputs(
    pool,
    payload.organizationId,
    assets.map((assetId) => ({ assetId, after: from - windowMs, upTo: now })),
    spec,
  );
  const rows = assets.flatMap((assetId) => {
    const { series, attributes } = inputs.get(assetId)!;
    return computeFeatures(spec, series, gridEnds(grid, from, now), attributes).filter(scorable);
  });
  if (rows.length < MIN_WINDOWS) return none;
  const previous = await previousCusum(pool, payload.organizationId, payload.deploymentId, d.modelVersionId);

  const names = featureNames(spec);
  const features = names.map((feature, f) => {
    const profile = profiles[f]!;
    const drift = featureDrift(
      profile,
      Float64Array.from(rows, (r) => r.values[f]!),
    );
    const shift = cusumStep(
      previous.get(feature) ?? { high: 0, low: 0 },
      (drift.mean - profile.mean) / (profile.std || 1),
      policy.cusumSlack,
      policy.cusumThreshold,
    );
    const drifting = drift.psi >= policy.psiThreshold || drift.pValue < policy.ksAlpha || shift.alarm;
    return {
      feature,
      psi: round(drift.psi),
      ks: round(drift.ks),
      pValue: round(drift.pValue),
      cusumHigh: round(shift.high),
      cusumLow: round(shift.low),
      cusumAlarm: shift.alarm,
      drifting,
    };
  });
  const driftingShare = features.filter((f) => f.drifting).length / features.length;
  const drifting = driftingShare >= policy.driftShare && driftingShare > 0;
  const predictionDrift = await scoreDrift(pool, payload, from, now, d.referenceProfile.score as FeatureProfile | undefined);
  const horizonMs = horizonMsOf(d.runParams);
  const performance = await performanceOf(pool, payload, { from, upTo: now - horizonMs, windowMs, horizonMs, threshold: d.threshold, holdout: d.metrics });

  return recordDriftReport(
    pool,
    {
      organizationId: payload.organizationId,
      deploymentId: payload.deploymentId,
      modelVersionId: d.modelVersionId,
      modelId: d.modelId,
      windowStart: new Date(from),
      windowEnd: new Date(now),
      features: { windows: rows.length, features, predictionDrift, performance },
      driftingShare,
      drifting,
      retrain: policy.autoRetrain
        ? { from: new Date(now - policy.retrainWindowHours * 3_600_000), to: new Date(now), params: (d.runParams ?? {}) as Record<string, JsonValue> }
        : null,
    },
    { kind: 'SYSTEM', id: null, label: 'worker:drift-check' },
  );
}

/** PSI and KS of the deployment's recent scores against the training scores. */
async function scoreDrift(
  pool: pg.Pool,
  payload: { organizationId: string; deploymentId: string },
  from: number,
  now: number,
  reference: FeatureProfile | undefined,
) {
  if (!reference) return null;
  const rows = await predictionsBetween(pool, payload.organizationId, payload.deploymentId, { from, to: now });
  if (rows.length < MIN_WINDOWS) return null;
  const drift = featureDrift(
    reference,
    Float64Array.from(rows, (r) => r.score),
  );
  return { predictions: rows.length, psi: round(drift.psi), ks: round(drift.ks), pValue: round(drift.pValue) };
}

/**
 * Performance decay, where incidents label the recent windows: the deployment's predictions whose
 * horizon has passed, judged like the holdout was (AUC, Brier score, precision and recall at the
 * threshold) beside the version's holdout figures.
 */
async function performanceOf(
  pool: pg.Pool,
  payload: { organizationId: string; deploymentId: string },
  w: { from: number; upTo: number; windowMs: number; horizonMs: number; threshold: number; holdout: Record<string, unknown> },
) {
  if (w.upTo <= w.from) return null;
  const rows = await predictionsBetween(pool, payload.organizationId, payload.deploymentId, { from: w.from, to: w.upTo });
  if (rows.length < MIN_WINDOWS) return null;
  const { byAsset } = await loadLabels(trainingSourceOf(pool, payload.organizationId, null), [...new Set(rows.map((r) => r.assetId))], {
    from: w.from,
    to: w.upTo,
    windowMs: w.windowMs,
    horizonMs: w.horizonMs,
  });
  const scores: number[] = [];
  const labels: number[] = [];
  for (const r of rows) {
    const label = windowLabel(byAsset.get(r.assetId), r.t, w.windowMs, w.horizonMs);
    if (label === null) continue;
    scores.push(r.score);
    labels.push(label);
  }
  const at = confusionAt(scores, labels, w.threshold);
  const recentAuc = auc(scores, labels);
  const holdoutAuc = typeof w.holdout.auc === 'number' ? w.holdout.auc : null;
  return {
    windows: scores.length,
    positives: at.positives,
    auc: recentAuc === null ? null : round(recentAuc),
    brier: round(brierScore(scores, labels)),
    precision: round(at.precision),
    recall: round(at.recall),
    holdout: { auc: holdoutAuc, precision: w.holdout.precision ?? null, recall: w.holdout.recall ?? null },
    aucDrop: recentAuc !== null && holdoutAuc !== null ? round(holdoutAuc - recentAuc) : null,
  };
}

const round = (x: number) => Number(x.toPrecision(6));
