// The inference job: scores a micro-batch of asset windows for one deployment. Features come from
// stored telemetry, the version's ONNX session scores all windows and their explanations in one
// run, and predictions and the insights they raise commit in one transaction (insights only from
// deployments that act: champions, and challengers on their A/B share; shadows never). Predictions are
// unique per (version, asset, window end), so a retried or repeated job writes nothing twice.
// A version that fails its integrity check puts the deployment on its fallback rules.
import type pg from 'pg';
import { appendAuditEvent, rawSqlOf } from '@threadline/db/audit/audit-log';
import { uuidV7 } from '@threadline/db/uuid';
import { compactExplanation, expandExplanation, insightTitle, topFeatures } from '@threadline/db/models/explanation';
import { inTransaction } from '../db-transaction.ts';
import { computeFeatures, gridEnds, scorable, type FeatureRow } from '../ml/features.ts';
import { packRows } from '../ml/onnx-runner.ts';
import { loadSeries } from '../ml/series.ts';
import type { InferencePayload } from '../queues/catalogue.ts';
import { runFallbackRules } from '../inference/fallback-rules.ts';
import { storeInsights, type InsightSource } from '../inference/insight-store.ts';
import type { VersionCache } from '../inference/version-cache.ts';

export interface InferenceDeps {
  pool: pg.Pool;
  versions: VersionCache;
}

export interface InferenceResult {
  windows: number;
  predictions: number;
  insightsRaised: number;
  fallback: boolean;
}

export interface DeploymentRow {
  id: string;
  organization_id: string;
  model_version_id: string;
  mode: string;
  /** Whether its insights reach people: champions, and challengers on their share of an A/B test. */
  acts: boolean;
  status: string;
  model_id: string;
  task: string;
  asset_type_id: string | null;
  use_case_id: string | null;
  policy: { insightThreshold?: number } | null;
  threshold: number;
  feature_spec: { windowSeconds?: number; stepSeconds?: number };
}

const KIND_OF_TASK: Record<string, string> = { FAILURE_RISK: 'FAILURE_RISK', ANOMALY_DETECTION: 'ANOMALY', FORECAST: 'FORECAST', DEFECT_CLASSIFICATION: 'THRESHOLD' };
const LABEL_OF_TASK: Record<string, string> = { FAILURE_RISK: 'Failure risk', ANOMALY_DETECTION: 'Anomaly score', FORECAST: 'Forecast', DEFECT_CLASSIFICATION: 'Defect score' };

export async function runInference(deps: InferenceDeps, payload: InferencePayload): Promise<InferenceResult> {
  const { rows: [deployment] } = await deps.pool.query<DeploymentRow>(
    `SELECT d.id, d.organization_id, d.model_version_id, d.mode, d.status, m.id AS model_id, m.task, m.asset_type_id, m.use_case_id, m.policy,
            v.threshold, v.feature_spec,
            d.mode = 'CHAMPION' OR (d.mode = 'CHALLENGER' AND EXISTS (
              SELECT 1 FROM experiments x WHERE x.organization_id = d.organization_id AND x.challenger_deployment_id = d.id AND x.kind = 'AB_TEST' AND x.status = 'RUNNING')) AS acts
       FROM deployments d JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
       JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
      WHERE d.organization_id = $1 AND d.id = $2`, [payload.organizationId, payload.deploymentId]);
  const none: InferenceResult = { windows: 0, predictions: 0, insightsRaised: 0, fallback: false };
  if (!deployment || (deployment.status !== 'ACTIVE' && deployment.status !== 'FALLBACK')) return none;
  const loaded = await deps.versions.get(deployment.organization_id, deployment.model_version_id);
  if (!loaded.ok) {
    await enterFallback(deps.pool, deployment, loaded.reason);
    // A shadow's fallback would act where it must not: it waits for a version that loads.
    if (!deployment.acts) return { ...none, fallback: true };
    return { ...(await runFallbackRules(deps.pool, deployment, payload.windows)), fallback: true };
  }
  const { spec, runner } = loaded;
  const windowMs = spec.windowSeconds * 1000;
  const series = await loadSeries(deps.pool, deployment.organization_id, payload.windows.map((w) => ({ assetId: w.assetId, after: w.after - windowMs, upTo: w.upTo })), spec.signals.map((s) => s.name));
  const scored: { assetId: string; row: FeatureRow }[] = [];
  for (const w of payload.windows) {
    for (const row of computeFeatures(spec, series.get(w.assetId)!, gridEnds(spec, w.after, w.upTo))) {
      if (scorable(row)) scored.push({ assetId: w.assetId, row });
    }
  }
  if (scored.length === 0) return none;
  const f = spec.reference.length;
  const out = await runner.run(packRows(scored.map((s) => s.row.values), f), scored.length);
  const threshold = deployment.policy?.insightThreshold ?? deployment.threshold;
  const top = scored.map((_, i) => topFeatures(out.contributions, i * f, f, 5));
  return inTransaction(deps.pool, async (client) => {
    const { rows: stored } = await client.query<{ id: string; asset_id: string; t: number }>(
      `INSERT INTO predictions (id, organization_id, model_version_id, deployment_id, asset_id, ts, score, explanation)
       SELECT i, $1, $2, $3, a, to_timestamp(t / 1000.0), s, e::jsonb FROM unnest($8::uuid[], $4::uuid[], $5::float8[], $6::float8[], $7::text[]) AS u(i, a, t, s, e)
       ON CONFLICT (model_version_id, asset_id, ts) DO NOTHING
       RETURNING id, asset_id, extract(epoch FROM ts) * 1000 AS t`,
      [deployment.organization_id, deployment.model_version_id, deployment.id, scored.map((s) => s.assetId), scored.map((s) => s.row.windowEnd),
        Array.from(out.scores.subarray(0, scored.length)), scored.map((s, i) => JSON.stringify(compactExplanation(top[i]!.slice(0, 3), s.row.values, out.contributions, i * f))),
        scored.map((s) => uuidV7(s.row.windowEnd))],
    );
    let insightsRaised = 0;
    if (deployment.acts && stored.length > 0) {
      const index = new Map(scored.map((s, i) => [`${s.assetId}|${s.row.windowEnd}`, i]));
      const source: InsightSource = { key: `model:${deployment.model_id}`, kind: KIND_OF_TASK[deployment.task] ?? 'THRESHOLD', fromFallback: false, modelVersionId: deployment.model_version_id, useCaseId: deployment.use_case_id };
      insightsRaised = await storeInsights(client, deployment.organization_id, source, threshold, stored.map((p) => {
        const i = index.get(`${p.asset_id}|${Number(p.t)}`)!;
        return {
          assetId: p.asset_id, windowEnd: Number(p.t), score: out.scores[i]!, predictionId: p.id, windowMs, earliestReceived: scored[i]!.row.earliestReceived,
          describe: () => {
            const explanation = expandExplanation(spec, compactExplanation(top[i]!, scored[i]!.row.values, out.contributions, i * f));
            return { explanation, title: insightTitle(LABEL_OF_TASK[deployment.task] ?? 'Score', out.scores[i]!, explanation[0]) };
          },
        };
      }));
    }
    // A deployment that fell back because its version was refused runs the model again once it loads.
    if (deployment.status === 'FALLBACK') {
      await client.query("UPDATE deployments SET status = 'ACTIVE', status_reason = NULL, updated_at = now() WHERE id = $1 AND status = 'FALLBACK' AND model_version_id = $2", [deployment.id, deployment.model_version_id]);
    }
    return { windows: scored.length, predictions: stored.length, insightsRaised, fallback: false };
  });
}

/** Marks the deployment as running its fallback rules, once, with the refusal as an audit event. */
async function enterFallback(pool: pg.Pool, deployment: DeploymentRow, reason: string): Promise<void> {
  if (deployment.status === 'FALLBACK') return;
  await inTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      "UPDATE deployments SET status = 'FALLBACK', status_reason = $3, updated_at = now() WHERE organization_id = $1 AND id = $2 AND status = 'ACTIVE' AND model_version_id = $4",
      [deployment.organization_id, deployment.id, `model version refused: ${reason}`, deployment.model_version_id],
    );
    if (!rowCount) return;
    await appendAuditEvent(rawSqlOf(client), {
      organizationId: deployment.organization_id, type: 'model_version.refused', actor: { kind: 'SYSTEM', id: null, label: 'worker:inference' },
      subjectType: 'model_version', subjectId: deployment.model_version_id,
      payload: { v: 1, deploymentId: deployment.id, reason, fallback: 'ASSET_TYPE_RANGES' },
    });
  });
}
