// The scheduled sweep of live models: one drift-check job per live deployment and one evaluation
// per running experiment, per sweep period (job ids name both, so a repeated sweep adds nothing),
// and the training runs the models' retraining schedules call for.
import type pg from 'pg';
import type { Queue } from 'bullmq';
import { driftCheckJob, experimentEvaluationJob, queuedJob } from '@threadline/db/jobs';
import { liveDeployments } from '@threadline/db/models/deployments';
import { runningExperiments } from '@threadline/db/models/experiments';
import { startScheduledRetraining } from '@threadline/db/models/scheduled-retraining';
import { rawSqlOf } from '@threadline/db/sql';
import { systemClock } from '@threadline/db/clock';

export async function runDriftSweep(pool: pg.Pool, models: Queue, everyMs: number, now = systemClock.nowMs()): Promise<number> {
  const db = rawSqlOf(pool);
  const [deployments, experiments] = await Promise.all([liveDeployments(db), runningExperiments(db)]);
  const period = Math.floor(now / everyMs);
  await models.addBulk([
    ...deployments.map((d) => queuedJob(driftCheckJob, { organizationId: d.organizationId, deploymentId: d.id }, `drift-${d.id}-${period}`)),
    ...experiments.map((x) => queuedJob(experimentEvaluationJob, { organizationId: x.organizationId, experimentId: x.id }, `experiment-${x.id}-${period}`)),
  ]);
  const retraining = await startScheduledRetraining(pool, now);
  return deployments.length + experiments.length + retraining.length;
}
