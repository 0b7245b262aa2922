// The drift check of one deployment: features of its assets over the policy's recent window on a
// coarse grid, compared per feature with the version's reference profile (PSI, two-sample KS) and,
// across successive checks, a CUSUM of the window mean's shift (slow sensor drift); the score
// distribution with the training scores (prediction drift); and, where incidents label the
// window, the predictions judged like the holdout was (performance decay). The report is
// stored; a drifting model whose policy allows it gets a training run (trigger DRIFT, lineage to
// the report and the version) through the outbox, in the same transaction, without a person.
import type pg from 'pg';
import { appendAuditEvent, rawSqlOf } from '@threadline/db/audit/audit-log';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { DEPLOYMENT_ASSETS_SQL } from '@threadline/db/models/deployment-scope';
import { featureNames, featureSpecSchema } from '@threadline/db/models/feature-spec';
import { modelPolicySchema } from '@threadline/db/models/model-policy';
import { horizonMsOf } from '@threadline/db/models/training-params';
import { requestTrainingRun } from '@threadline/db/models/training-runs';
import { inTransaction } from '../db-transaction.ts';
import { incidentsByAsset, loadIncidents, windowLabel } from '../ml/dataset.ts';
import { cusumStep, featureDrift } from '../ml/drift.ts';
import { auc, brierScore, confusionAt } from '../ml/metrics.ts';
import { computeFeatures, gridEnds, scorable } from '../ml/features.ts';
import type { FeatureProfile } from '../ml/profile.ts';
import { loadSeries } from '../ml/series.ts';

export interface DriftCheckResult {
  driftReportId: string | null;
  drifting: boolean;
  trainingRunId: string | null;
}

/** At least this many recent windows, or no report. */
const MIN_WINDOWS = 30;

export async function runDriftCheck(pool: pg.Pool, payload: { organizationId: string; deploymentId: string }, now = Date.now()): Promise<DriftCheckResult> {
  const none = { driftReportId: null, drifting: false, trainingRunId: null };
  const { rows: [d] } = await pool.query<{ model_version_id: string; model_id: string; policy: unknown; feature_spec: unknown; reference_profile: { features?: FeatureProfile[]; score?: FeatureProfile }; threshold: number; metrics: Record<string, unknown>; run_params: unknown; status: string }>(
    `SELECT d.model_version_id, m.id AS model_id, m.policy, v.feature_spec, v.reference_profile, v.threshold, v.metrics, d.status, r.params AS run_params
       FROM deployments d JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
       JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
       LEFT JOIN training_runs r ON r.organization_id = v.organization_id AND r.id = v.training_run_id
      WHERE d.organization_id = $1 AND d.id = $2`, [payload.organizationId, payload.deploymentId]);
  const spec = featureSpecSchema.safeParse(d?.feature_spec);
  const profiles = d?.reference_profile.features;
  if (!d || d.status === 'RETIRED' || !spec.success || !profiles || profiles.length !== spec.data.reference.length) return none;
  const policy = modelPolicySchema.parse(d.policy ?? {});
  const from = now - policy.driftWindowHours * 3_600_000;
  const { rows: scope } = await pool.query<{ asset_id: string }>(`SELECT asset_id FROM (${DEPLOYMENT_ASSETS_SQL}) AS s WHERE deployment_id = $2`, [payload.organizationId, payload.deploymentId]);
  const assets = scope.map((r) => r.asset_id);
  const windowMs = spec.data.windowSeconds * 1000;
  // Windows that do not overlap, so the tests see (nearly) independent samples.
  const grid = { stepSeconds: Math.max(spec.data.stepSeconds, spec.data.windowSeconds) };
  const series = await loadSeries(pool, payload.organizationId, assets.map((assetId) => ({ assetId, after: from - windowMs, upTo: now })), spec.data.signals.map((s) => s.name));
  const rows = assets.flatMap((assetId) => computeFeatures(spec.data, series.get(assetId)!, gridEnds(grid, from, now)).filter(scorable));
  if (rows.length < MIN_WINDOWS) return none;
  const { rows: [last] } = await pool.query<{ features: { features?: { feature: string; cusumHigh?: number; cusumLow?: number }[] } }>(
    'SELECT features FROM drift_reports WHERE organization_id = $1 AND deployment_id = $2 AND model_version_id = $3 ORDER BY window_end_at DESC LIMIT 1',
    [payload.organizationId, payload.deploymentId, d.model_version_id]);
  const previous = new Map((last?.features.features ?? []).map((f) => [f.feature, { high: f.cusumHigh ?? 0, low: f.cusumLow ?? 0 }]));

  const names = featureNames(spec.data);
  const features = names.map((feature, f) => {
    const profile = profiles[f]!;
    const drift = featureDrift(profile, Float64Array.from(rows, (r) => r.values[f]!));
    const shift = cusumStep(previous.get(feature) ?? { high: 0, low: 0 }, (drift.mean - profile.mean) / (profile.std || 1), policy.cusumSlack, policy.cusumThreshold);
    const drifting = drift.psi >= policy.psiThreshold || drift.pValue < policy.ksAlpha || shift.alarm;
    return { feature, psi: round(drift.psi), ks: round(drift.ks), pValue: round(drift.pValue), cusumHigh: round(shift.high), cusumLow: round(shift.low), cusumAlarm: shift.alarm, drifting };
  });
  const driftingShare = features.filter((f) => f.drifting).length / features.length;
  const drifting = driftingShare >= policy.driftShare && driftingShare > 0;
  const predictionDrift = await scoreDrift(pool, payload, from, now, d.reference_profile.score);
  const horizonMs = horizonMsOf(d.run_params);
  const performance = await performanceOf(pool, payload, { from, upTo: now - horizonMs, windowMs, horizonMs, threshold: d.threshold, holdout: d.metrics });

  return inTransaction(pool, async (client) => {
    const db = rawSqlOf(client);
    const actor = { kind: 'SYSTEM' as const, id: null, label: 'worker:drift-check' };
    const { rows: [report] } = await client.query<{ id: string }>(
      `INSERT INTO drift_reports (organization_id, model_version_id, deployment_id, window_start_at, window_end_at, features, drifting_share, drifting)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [payload.organizationId, d.model_version_id, payload.deploymentId, new Date(from), new Date(now),
        JSON.stringify({ windows: rows.length, features, predictionDrift, performance }), driftingShare, drifting]);
    await appendAuditEvent(db, { organizationId: payload.organizationId, type: 'drift_report.created', actor, subjectType: 'model_version', subjectId: d.model_version_id,
      payload: { v: 1, driftReportId: report!.id, deploymentId: payload.deploymentId, drifting, driftingShare: round(driftingShare), driftingFeatures: features.filter((f) => f.drifting).map((f) => f.feature) } });
    if (!drifting || !policy.autoRetrain) return { driftReportId: report!.id, drifting, trainingRunId: null };
    const { rows: busy } = await client.query("SELECT 1 FROM training_runs WHERE organization_id = $1 AND model_id = $2 AND status IN ('QUEUED', 'RUNNING') FOR UPDATE", [payload.organizationId, d.model_id]);
    if (busy.length > 0) return { driftReportId: report!.id, drifting, trainingRunId: null };
    const runId = await requestTrainingRun(db, {
      organizationId: payload.organizationId, modelId: d.model_id, trigger: 'DRIFT', baseVersionId: d.model_version_id, driftReportId: report!.id,
      from: new Date(now - policy.retrainWindowHours * 3_600_000), to: new Date(now), params: (d.run_params ?? {}) as Record<string, JsonValue>,
    }, actor);
    return { driftReportId: report!.id, drifting, trainingRunId: runId };
  });
}

/** PSI and KS of the deployment's recent scores against the training scores. */
async function scoreDrift(pool: pg.Pool, payload: { organizationId: string; deploymentId: string }, from: number, now: number, reference: FeatureProfile | undefined) {
  if (!reference) return null;
  const { rows } = await pool.query<{ score: number }>(
    'SELECT score FROM predictions WHERE organization_id = $1 AND deployment_id = $2 AND ts > $3 AND ts <= $4', [payload.organizationId, payload.deploymentId, new Date(from), new Date(now)]);
  if (rows.length < MIN_WINDOWS) return null;
  const drift = featureDrift(reference, Float64Array.from(rows, (r) => r.score));
  return { predictions: rows.length, psi: round(drift.psi), ks: round(drift.ks), pValue: round(drift.pValue) };
}

/**
 * Performance decay, where incidents label the recent windows: the deployment's predictions whose
 * horizon has passed, judged like the holdout was (AUC, Brier score, precision and recall at the
 * threshold) beside the version's holdout figures.
 */
async function performanceOf(pool: pg.Pool, payload: { organizationId: string; deploymentId: string }, w: { from: number; upTo: number; windowMs: number; horizonMs: number; threshold: number; holdout: Record<string, unknown> }) {
  if (w.upTo <= w.from) return null;
  const { rows } = await pool.query<{ asset_id: string; t: number; score: number }>(
    'SELECT asset_id, extract(epoch FROM ts) * 1000 AS t, score FROM predictions WHERE organization_id = $1 AND deployment_id = $2 AND ts > $3 AND ts <= $4',
    [payload.organizationId, payload.deploymentId, new Date(w.from), new Date(w.upTo)]);
  if (rows.length < MIN_WINDOWS) return null;
  const incidents = await loadIncidents(pool, payload.organizationId, [...new Set(rows.map((r) => r.asset_id))], w.from - w.windowMs, w.upTo + w.horizonMs);
  const byAsset = incidentsByAsset(incidents);
  const scores: number[] = [];
  const labels: number[] = [];
  for (const r of rows) {
    const label = windowLabel(byAsset.get(r.asset_id) ?? [], Number(r.t), w.windowMs, w.horizonMs);
    if (label === null) continue;
    scores.push(r.score);
    labels.push(label);
  }
  const at = confusionAt(scores, labels, w.threshold);
  const recentAuc = auc(scores, labels);
  const holdoutAuc = typeof w.holdout.auc === 'number' ? w.holdout.auc : null;
  return {
    windows: scores.length, positives: at.positives, auc: recentAuc === null ? null : round(recentAuc),
    brier: round(brierScore(scores, labels)),
    precision: round(at.precision), recall: round(at.recall),
    holdout: { auc: holdoutAuc, precision: w.holdout.precision ?? null, recall: w.holdout.recall ?? null },
    aucDrop: recentAuc !== null && holdoutAuc !== null ? round(holdoutAuc - recentAuc) : null,
  };
}

const round = (x: number) => Number(x.toPrecision(6));
