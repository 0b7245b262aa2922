// Drift reports: the deployment as the drift check reads it (version, model policy, reference
// profile), the previous report's CUSUM state, and storing a report, audited, with the training
// run a drifting model's policy asks for (trigger DRIFT, lineage to the report and the version)
// requested through the outbox in the same transaction, unless a run already waits or runs.
import type pg from 'pg';
import type { JsonValue } from '../audit/audit-hash.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { inTransaction, rawSqlOf, row, rows } from '../sql.ts';
import { storedFeatureSpec, type FeatureSpec } from './feature-spec.ts';
import { requestTrainingRun } from './training-runs.ts';

export interface DeploymentForDrift {
  modelVersionId: string;
  modelId: string;
  policy: unknown;
  /** Parsed; null when the stored spec is invalid. */
  featureSpec: FeatureSpec | null;
  referenceProfile: { features?: unknown[]; score?: unknown };
  threshold: number;
  metrics: Record<string, unknown>;
  runParams: unknown;
  status: string;
}

export async function deploymentForDrift(pool: pg.Pool, organizationId: string, deploymentId: string): Promise<DeploymentForDrift | undefined> {
  const found = await row<DeploymentForDrift>(
    rawSqlOf(pool),
    `SELECT d.model_version_id AS "modelVersionId", m.id AS "modelId", m.policy, v.feature_spec AS "featureSpec", v.reference_profile AS "referenceProfile",
            v.threshold, v.metrics, d.status::text AS status, r.params AS "runParams"
       FROM deployments d JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
       JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
       LEFT JOIN training_runs r ON r.organization_id = v.organization_id AND r.id = v.training_run_id
      WHERE d.organization_id = $1 AND d.id = $2`,
    organizationId,
    deploymentId,
  );
  return found && { ...found, featureSpec: storedFeatureSpec(found.featureSpec) };
}

/** The CUSUM state per feature of the deployment's latest report for this version. */
export async function previousCusum(
  pool: pg.Pool,
  organizationId: string,
  deploymentId: string,
  modelVersionId: string,
): Promise<Map<string, { high: number; low: number }>> {
  const last = await row<{ features: { features?: { feature: string; cusumHigh?: number; cusumLow?: number }[] } }>(
    rawSqlOf(pool),
    'SELECT features FROM drift_reports WHERE organization_id = $1 AND deployment_id = $2 AND model_version_id = $3 ORDER BY window_end_at DESC LIMIT 1',
    organizationId,
    deploymentId,
    modelVersionId,
  );
  return new Map((last?.features.features ?? []).map((f) => [f.feature, { high: f.cusumHigh ?? 0, low: f.cusumLow ?? 0 }]));
}

export interface NewDriftReport {
  organizationId: string;
  deploymentId: string;
  modelVersionId: string;
  modelId: string;
  windowStart: Date;
  windowEnd: Date;
  /** The report body: windows, per-feature statistics, prediction drift, performance. */
  features: { features: { feature: string; drifting: boolean }[] } & Record<string, unknown>;
  driftingShare: number;
  drifting: boolean;
  /** When the policy retrains on drift: the data window and parameters of the run to request. */
  retrain: { from: Date; to: Date; params: Record<string, JsonValue> } | null;
}

export interface StoredDriftReport {
  driftReportId: string;
  drifting: boolean;
  trainingRunId: string | null;
}

export function recordDriftReport(pool: pg.Pool, report: NewDriftReport, actor: AuditActor): Promise<StoredDriftReport> {
  const { organizationId } = report;
  return inTransaction(pool, async (db) => {
    const stored = await row<{ id: string }>(
      db,
      `INSERT INTO drift_reports (organization_id, model_version_id, deployment_id, window_start_at, window_end_at, features, drifting_share, drifting)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      organizationId,
      report.modelVersionId,
      report.deploymentId,
      report.windowStart,
      report.windowEnd,
      JSON.stringify(report.features),
      report.driftingShare,
      report.drifting,
    );
    const driftReportId = stored!.id;
    await appendAuditEvent(db, {
      organizationId,
      type: 'drift_report.created',
      actor,
      subjectType: 'model_version',
      subjectId: report.modelVersionId,
      payload: {
        driftReportId,
        deploymentId: report.deploymentId,
        drifting: report.drifting,
        driftingShare: Number(report.driftingShare.toPrecision(6)),
        driftingFeatures: report.features.features.filter((f) => f.drifting).map((f) => f.feature),
      },
    });
    if (!report.drifting || !report.retrain) return { driftReportId, drifting: report.drifting, trainingRunId: null };
    const busy = await rows(
      db,
      "SELECT 1 FROM training_runs WHERE organization_id = $1 AND model_id = $2 AND status IN ('QUEUED', 'RUNNING') FOR UPDATE",
      organizationId,
      report.modelId,
    );
    if (busy.length > 0) return { driftReportId, drifting: true, trainingRunId: null };
    const trainingRunId = await requestTrainingRun(
      db,
      {
        organizationId,
        modelId: report.modelId,
        trigger: 'DRIFT',
        baseVersionId: report.modelVersionId,
        driftReportId,
        ...report.retrain,
      },
      actor,
    );
    return { driftReportId, drifting: true, trainingRunId };
  });
}
