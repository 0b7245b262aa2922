// The demo model's records (workers/src/scripts/demo-models.ts trains and deploys it): whether it
// exists, the demo plant's rows it hangs off, the model, its manual training runs and the KPI that
// values the detector from its confusion matrix.
import type pg from 'pg';
import { rawSqlOf, row } from '../sql.ts';

export const DEMO_MODEL = 'Spindle failure risk';

export interface DemoModelContext {
  assetTypeId: string;
  useCaseId: string;
  ownerId: string;
  cloudTargetId: string;
  edgeTargetId: string;
  lineId: string;
}

export async function demoModelExists(pool: pg.Pool, organizationId: string): Promise<boolean> {
  return (await row(rawSqlOf(pool), 'SELECT 1 FROM models WHERE organization_id = $1 AND name = $2', organizationId, DEMO_MODEL)) !== undefined;
}

/** The demo plant's CNC type, predictive-maintenance use case, a data scientist, the cloud and edge targets, and line LEJ-L1. */
export async function demoModelContext(pool: pg.Pool, organizationId: string): Promise<DemoModelContext> {
  const found = await row<DemoModelContext>(
    rawSqlOf(pool),
    `SELECT (SELECT id FROM asset_types WHERE organization_id = $1 AND name = 'CNC machining centre') AS "assetTypeId",
            (SELECT id FROM use_cases WHERE organization_id = $1 AND name LIKE 'Predictive maintenance%') AS "useCaseId",
            (SELECT id FROM users WHERE organization_id = $1 AND role = 'DATA_SCIENTIST' LIMIT 1) AS "ownerId",
            (SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference') AS "cloudTargetId",
            (SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'lej-edge-01') AS "edgeTargetId",
            (SELECT id FROM lines WHERE organization_id = $1 AND code = 'LEJ-L1') AS "lineId"`,
    organizationId,
  );
  return found!;
}

export async function createDemoModel(pool: pg.Pool, organizationId: string, context: DemoModelContext): Promise<string> {
  const created = await row<{ id: string }>(
    rawSqlOf(pool),
    `INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id, owner_id, risk_class, description)
     VALUES ($1, $2, 'FAILURE_RISK', $3, $4, $5, 'LIMITED', 'Probability that a spindle fails within 2 hours, from 10-minute windows of vibration, temperature, load and power.') RETURNING id`,
    organizationId,
    DEMO_MODEL,
    context.assetTypeId,
    context.useCaseId,
    context.ownerId,
  );
  return created!.id;
}

/** A manual training run, queued without a job: the demo trains it in-process. */
export async function demoTrainingRun(
  pool: pg.Pool,
  organizationId: string,
  modelId: string,
  run: { baseVersionId: string | null; from: Date; to: Date; params: Record<string, unknown>; requestedById: string },
): Promise<string> {
  const created = await row<{ id: string }>(
    rawSqlOf(pool),
    `INSERT INTO training_runs (organization_id, model_id, base_version_id, trigger, data_window_start_at, data_window_end_at, params, requested_by_id)
     VALUES ($1, $2, $3, 'MANUAL', $4, $5, $6, $7) RETURNING id`,
    organizationId,
    modelId,
    run.baseVersionId,
    run.from,
    run.to,
    run.params,
    run.requestedById,
  );
  return created!.id;
}

/**
 * The detector's business value, computed daily from its confusion matrix against incidents on
 * LEJ-L1's spindles: a foreseen failure saves a crash repair, a false alarm costs an inspection.
 */
export async function addDetectorValueKpi(pool: pg.Pool, organizationId: string, modelId: string, context: DemoModelContext): Promise<void> {
  await pool.query(
    `INSERT INTO kpis (organization_id, use_case_id, name, kind, unit, direction, baseline, target, value_per_unit, description, computation)
     VALUES ($1, $2, 'Spindle detector value', 'DETECTOR_VALUE', 'EUR/month', 'HIGHER_IS_BETTER', 0, 40000, 1,
             'Value of the failure-risk model per month: foreseen failures × 6,500 € saved − false alarms × 250 € − missed failures × 4,000 €.', $3)`,
    [
      organizationId,
      context.useCaseId,
      {
        kind: 'DETECTOR_VALUE',
        modelId,
        horizonHours: 2,
        valuePerTruePositive: 6_500,
        costPerFalsePositive: 250,
        costPerMissed: 4_000,
        scope: { assetIds: [], lineIds: [context.lineId], siteIds: [], assetTypeId: context.assetTypeId },
      },
    ],
  );
}
