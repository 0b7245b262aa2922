// The transactional outbox against real PostgreSQL and Redis: rows reach their queue once under
// their job id, a crash between enqueueing and marking neither loses nor doubles a job, a commit
// wakes the relay at once (also after the server dropped its listening connection), and a row
// naming an unknown job is kept, not dropped.
import pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSqlOf } from '@threadline/db/sql';
import { createPool } from '@threadline/db/client';
import { addToOutbox } from '@threadline/db/outbox';
import { createTestDatabase } from '../../scripts/test/database.ts';
import { waitFor } from '../../scripts/test/wait-for.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../scripts/test/queues.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { modelTrainingJob } from '@threadline/db/jobs';

describe('the outbox relay', () => {
  const prefix = testQueuePrefix();
  let pool: pg.Pool;
  let url: string;
  let queue: Queue;
  let relay: OutboxRelay;
  let org: string;
  const job = (runId: string) => ({ organizationId: org, jobId: `training-${runId}`, payload: { organizationId: org, trainingRunId: runId } });
  const inTx = async (work: (db: ReturnType<typeof rawSqlOf>) => Promise<void>) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(rawSqlOf(client));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const waiting = async () => (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => j.id).sort();

  beforeAll(async () => {
    url = (await createTestDatabase()).url;
    pool = createPool({ url, role: 'threadline_app', poolSize: 3 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    queue = new Queue('models', { connection: { url: redisUrl(), maxRetriesPerRequest: null }, prefix });
  });
  afterAll(async () => {
    await relay?.stop();
    await queue?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  it('enqueues waiting rows once each at start, even when a crashed relay had enqueued one already', async () => {
    const runs = ['4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0001', '4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0002'];
    await inTx(async (db) => {
      for (const run of runs) await addToOutbox(db, modelTrainingJob, job(run));
      await addToOutbox(db, modelTrainingJob, job(runs[0]!)); // the same decision announced twice
      // A row the catalogue does not know (written by an older release, say) is kept, not dropped.
      await db.$executeRawUnsafe(
        "INSERT INTO outbox (organization_id, queue, job_name, job_id, payload) VALUES ($1::uuid, 'models', 'no-such-job', 'orphan', '{}')",
        org,
      );
    });
    // A relay that crashed after enqueueing the first row and before marking it.
    await queue.add(modelTrainingJob.name, job(runs[0]!).payload, { jobId: `training-${runs[0]}` });
    relay = new OutboxRelay({ databaseUrl: url, role: 'threadline_app', pool, queue: () => queue, log: pino({ level: 'silent' }) });
    await relay.start();
    expect(await waiting()).toEqual(runs.map((r) => `training-${r}`).sort());
    const { rows } = await pool.query<{ job_id: string; dispatched: boolean }>(
      'SELECT job_id, dispatched_at IS NOT NULL AS dispatched FROM outbox ORDER BY id',
    );
    expect(rows).toEqual([
      { job_id: `training-${runs[0]}`, dispatched: true },
      { job_id: `training-${runs[1]}`, dispatched: true },
      { job_id: `training-${runs[0]}`, dispatched: true },
      { job_id: 'orphan', dispatched: false },
    ]);
  });

  it('refuses a payload that does not fit its job before anything is written', async () => {
    const before = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    await expect(
      inTx((db) => addToOutbox(db, modelTrainingJob, { organizationId: org, jobId: 'bad', payload: { organizationId: org, trainingRunId: 'not-a-uuid' } })),
    ).rejects.toThrow();
    expect((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n).toBe(before);
  });

  it('is woken by a commit, and a rolled-back decision starts nothing', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await addToOutbox(rawSqlOf(client), modelTrainingJob, job('4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0009'));
    await client.query('ROLLBACK');
    client.release();
    await inTx((db) => addToOutbox(db, modelTrainingJob, job('4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0003')));
    await waitFor('the committed job to be enqueued', async () => (await waiting()).includes('training-4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0003'));
    expect(await waiting()).toContain('training-4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0003');
    expect(await waiting()).not.toContain('training-4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0009');
  });

  it('replaces its listening connection when the server drops it, and is woken by commits again', async () => {
    // As the owner, who may see and end other sessions.
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    const listeners = async () =>
      (await owner.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN outbox'")).rows.map(
        (r) => r.pid,
      );
    try {
      // Under load the relay may still be between connecting and LISTEN: end its session once it listens.
      await waitFor('the relay to listen', async () => (await listeners()).length === 1);
      const [first] = await listeners();
      const terminated = await owner.query<{ ended: boolean }>('SELECT pg_terminate_backend($1) AS ended', [first]);
      expect(terminated.rows[0]!.ended).toBe(true);
      // Replaced within a second or so (the 30 s safety net is not what wakes it): one listener, not the ended one.
      await waitFor('a new listening connection', async () => {
        const now = await listeners();
        return now.length === 1 && now[0] !== first;
      });
      expect((await listeners()).filter((pid) => pid !== first)).toHaveLength(1);
    } finally {
      await owner.end();
    }
    await inTx((db) => addToOutbox(db, modelTrainingJob, job('4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0004')));
    await waitFor('the job committed after the reconnection to be enqueued', async () =>
      (await waiting()).includes('training-4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0004'),
    );
    expect(await waiting()).toContain('training-4f6b0b7e-1d1e-4c8a-9a57-0b8c3c1f0004');
  });
});
