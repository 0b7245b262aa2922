// A job that fails for good is recorded by its give-up handler, also where no attempt of it could
// (a job that stalled more often than WORKER_MAX_STALLS allows never reaches its handler's catch):
// a training run whose job failed for good is FAILED with the reason and audited, not left RUNNING
// forever, and a run that already succeeded is left as it is.
import { Queue } from 'bullmq';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../scripts/test/database.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../scripts/test/queues.ts';
import { abandonModelTraining } from './processors/model-training.ts';
import { modelTrainingJob } from '@threadline/db/jobs';
import { startWorkerHost, type WorkerHost } from './worker-host.ts';
import { waitFor } from '../../scripts/test/wait-for.ts';

describe('jobs that fail for good', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  let pool: pg.Pool;
  let host: WorkerHost;
  let queue: Queue;
  let org: string;
  let modelId: string;
  const attempts: string[] = [];

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: (await createTestDatabase()).url, max: 3 });
    org = (await pool.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0]!.id;
    modelId = (
      await pool.query<{ id: string }>("INSERT INTO models (organization_id, name, task) VALUES ($1, 'give-up test', 'FAILURE_RISK') RETURNING id", [org])
    ).rows[0]!.id;
    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 1,
      log: pino({ level: 'silent' }),
      watchdogMs: 0,
      catalogue: [modelTrainingJob as never],
      // Every attempt dies the way a killed worker's would look to BullMQ: the job ends without its handler recording anything.
      handlers: {
        [modelTrainingJob.name]: async (payload: { trainingRunId: string }) => {
          attempts.push(payload.trainingRunId);
          throw new Error('worker gone');
        },
      },
      onGiveUp: {
        [modelTrainingJob.name]: (payload: { organizationId: string; trainingRunId: string }, reason: string) => abandonModelTraining(pool, payload, reason),
      },
    });
    queue = new Queue('models', { connection, prefix });
  });
  afterAll(async () => {
    await queue?.close();
    await host?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  const run = async (status: 'RUNNING' | 'SUCCEEDED') =>
    (
      await pool.query<{ id: string }>(
        "INSERT INTO training_runs (organization_id, model_id, trigger, status, data_window_start_at, data_window_end_at) VALUES ($1, $2, 'MANUAL', $3, now() - interval '1 day', now()) RETURNING id",
        [org, modelId, status],
      )
    ).rows[0]!.id;
  const stateOf = async (id: string) =>
    (
      await pool.query<{ status: string; error: string | null; events: number }>(
        "SELECT status::text, error, (SELECT count(*)::int FROM audit_events WHERE subject_id = $1::text AND type = 'training_run.updated') AS events FROM training_runs WHERE id = $1::uuid",
        [id],
      )
    ).rows[0]!;
  const until = (check: () => Promise<boolean>) => waitFor('the job to reach its state', check, { timeoutMs: 60_000 });

  it('marks the run FAILED with the reason once its job has no attempt left, and audits it once', async () => {
    const id = await run('RUNNING');
    await queue.add(
      modelTrainingJob.name,
      { organizationId: org, trainingRunId: id },
      { attempts: 2, backoff: { type: 'fixed', delay: 50 }, jobId: `training-${id}` },
    );
    await until(async () => (await stateOf(id)).status === 'FAILED');
    expect(attempts.filter((a) => a === id)).toHaveLength(2);
    expect(await stateOf(id)).toEqual({ status: 'FAILED', error: 'the training job failed for good: worker gone', events: 1 });
    // Another workers process hearing of the same failure changes nothing.
    await abandonModelTraining(pool, { organizationId: org, trainingRunId: id }, 'worker gone');
    expect((await stateOf(id)).events).toBe(1);
  });

  it('leaves a run that already succeeded as it is', async () => {
    const id = await run('SUCCEEDED');
    await queue.add(modelTrainingJob.name, { organizationId: org, trainingRunId: id }, { attempts: 1, jobId: `training-${id}` });
    await until(async () => (await queue.getJobState(`training-${id}`)) === 'failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(await stateOf(id)).toEqual({ status: 'SUCCEEDED', error: null, events: 0 });
  });
});
