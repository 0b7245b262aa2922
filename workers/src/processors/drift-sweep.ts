// The scheduled drift sweep: one drift-check job per live deployment and sweep period (the job id
// names both, so a repeated sweep adds nothing).
import type pg from 'pg';
import type { Queue } from 'bullmq';
import { driftCheckJob } from '../queues/catalogue.ts';

export async function runDriftSweep(pool: pg.Pool, models: Queue, everyMs: number, now = Date.now()): Promise<number> {
  const { rows } = await pool.query<{ id: string; organization_id: string }>("SELECT id, organization_id FROM deployments WHERE status IN ('ACTIVE', 'FALLBACK')");
  const period = Math.floor(now / everyMs);
  await models.addBulk(rows.map((d) => ({
    name: driftCheckJob.name, data: { organizationId: d.organization_id, deploymentId: d.id }, opts: { ...driftCheckJob.options, jobId: `drift-${d.id}-${period}` },
  })));
  return rows.length;
}
