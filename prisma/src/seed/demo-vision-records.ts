// The demo's visual inspection pilot (workers/src/scripts/demo-vision.ts trains and deploys its
// model): whether it exists, the rows it hangs off, and starting it: the use case goes from
// PROPOSED to ACTIVE, its Pilot & Prove wave from PLANNED to ACTIVE (so its scope, LEJ-L1's camera
// station, is rolled out), the vision model is created, and a defect-rate KPI computed from the
// model's champion is added; each change an audit event by the demo.
import type pg from 'pg';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { inTransaction, rawSqlOf, row } from '../sql.ts';

export const DEMO_VISION_MODEL = 'Housing surface defects';

export interface VisionPilotContext {
  assetTypeId: string;
  useCaseId: string;
  waveId: string;
  ownerId: string;
  cloudTargetId: string;
}

export async function visionPilotExists(pool: pg.Pool, organizationId: string): Promise<boolean> {
  return (await row(rawSqlOf(pool), 'SELECT 1 FROM models WHERE organization_id = $1 AND name = $2', organizationId, DEMO_VISION_MODEL)) !== undefined;
}

export async function visionPilotContext(pool: pg.Pool, organizationId: string): Promise<VisionPilotContext> {
  const found = await row<VisionPilotContext>(
    rawSqlOf(pool),
    `SELECT (SELECT id FROM asset_types WHERE organization_id = $1 AND name = 'Vision inspection station') AS "assetTypeId",
            u.id AS "useCaseId", u.owner_id AS "ownerId",
            (SELECT id FROM scaling_waves WHERE organization_id = $1 AND use_case_id = u.id AND phase = 'PILOT_AND_PROVE' LIMIT 1) AS "waveId",
            (SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference') AS "cloudTargetId"
       FROM use_cases u WHERE u.organization_id = $1 AND u.name LIKE 'Visual inspection%'`,
    organizationId,
  );
  if (!found?.waveId) throw new Error('the demo plant has no visual inspection use case with a pilot wave; seed it first');
  return found;
}

/** Starts the pilot and creates its model and computed KPI; returns the model's id. */
export function startVisionPilot(pool: pg.Pool, organizationId: string, context: VisionPilotContext, actor: AuditActor): Promise<string> {
  return inTransaction(pool, async (db) => {
    await db.$executeRawUnsafe(
      "UPDATE use_cases SET status = 'ACTIVE', updated_at = now() WHERE organization_id = $1 AND id = $2",
      organizationId,
      context.useCaseId,
    );
    await appendAuditEvent(db, {
      organizationId,
      type: 'use_case.updated',
      actor,
      subjectType: 'use_case',
      subjectId: context.useCaseId,
      payload: { status: ['PROPOSED', 'ACTIVE'] },
    });
    await db.$executeRawUnsafe(
      "UPDATE scaling_waves SET status = 'ACTIVE', started_at = now(), updated_at = now() WHERE organization_id = $1 AND id = $2",
      organizationId,
      context.waveId,
    );
    await appendAuditEvent(db, {
      organizationId,
      type: 'scaling_wave.updated',
      actor,
      subjectType: 'scaling_wave',
      subjectId: context.waveId,
      payload: { status: ['PLANNED', 'ACTIVE'] },
    });
    const model = await row<{ id: string }>(
      db,
      `INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id, owner_id, risk_class, description)
       VALUES ($1, $2, 'DEFECT_CLASSIFICATION', $3, $4, $5, 'LIMITED', 'Probability that a machined housing on the end-of-line camera has a surface defect (scratch, dent, missing bolt hole), from the frame.')
       RETURNING id`,
      organizationId,
      DEMO_VISION_MODEL,
      context.assetTypeId,
      context.useCaseId,
      context.ownerId,
    );
    await appendAuditEvent(db, {
      organizationId,
      type: 'model.created',
      actor,
      subjectType: 'model',
      subjectId: model!.id,
      payload: { name: DEMO_VISION_MODEL },
    });
    const kpi = await row<{ id: string }>(
      db,
      `INSERT INTO kpis (organization_id, use_case_id, name, kind, unit, direction, baseline, target, value_per_unit, description, computation)
       VALUES ($1, $2, 'Defect rate at end-of-line inspection', 'DEFECT_RATE', '%', 'LOWER_IS_BETTER', 6.5, 4, 4000,
               'Share of housings the vision champion flags at the end-of-line camera; flagged parts drive fixes upstream (target -40%).', $3::jsonb)
       RETURNING id`,
      organizationId,
      context.useCaseId,
      JSON.stringify({ kind: 'DEFECT_RATE', scope: { assetTypeId: context.assetTypeId }, visionModelId: model!.id }),
    );
    await appendAuditEvent(db, {
      organizationId,
      type: 'kpi.created',
      actor,
      subjectType: 'kpi',
      subjectId: kpi!.id,
      payload: { name: 'Defect rate at end-of-line inspection' },
    });
    return model!.id;
  });
}
