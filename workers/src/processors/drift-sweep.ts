// The scheduled sweep of live models: one drift-check job per live deployment and one evaluation
// per running experiment, per sweep period (job ids name both, so a repeated sweep adds nothing),
// and the training runs the models' retraining schedules call for.
import type pg from 'pg';
import type { Queue } from 'bullmq';
import { driftCheckJob, experimentEvaluationJob } from '../queues/catalogue.ts';
import { startScheduledRetraining } from './scheduled-retraining.ts';

export async function runDriftSweep(pool: pg.Pool, models: Queue, everyMs: number, now = Date.now()): Promise<number> {
  const [deployments, experiments] = await Promise.all([
    pool.query<{ id: string; organization_id: string }>("SELECT id, organization_id FROM deployments WHERE status IN ('ACTIVE', 'FALLBACK')"),
    pool.query<{ id: string; organization_id: string }>("SELECT id, organization_id FROM experiments WHERE status = 'RUNNING'"),
  ]);
  const period = Math.floor(now / everyMs);
  await models.addBulk([
    ...deployments.rows.map((d) => ({
      name: driftCheckJob.name, data: { organizationId: d.organization_id, deploymentId: d.id }, opts: { ...driftCheckJob.options, jobId: `drift-${d.id}-${period}` },
    })),
    ...experiments.rows.map((x) => ({
      name: experimentEvaluationJob.name, data: { organizationId: x.organization_id, experimentId: x.id }, opts: { ...experimentEvaluationJob.options, jobId: `experiment-${x.id}-${period}` },
    })),
  ]);
  const retraining = await startScheduledRetraining(pool, now);
  return deployments.rows.length + experiments.rows.length + retraining.length;
}
