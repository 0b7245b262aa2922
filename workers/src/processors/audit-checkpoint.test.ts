// The audit-checkpoint job end to end on real Redis and PostgreSQL: the worker signs each chain
// head once, the signature verifies, and a malformed payload fails at once without retries.
import type pg from 'pg';
import pino from 'pino';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { verifyAuditChain } from '@threadline/db/audit/audit-log';
import { createPool } from '@threadline/db/client';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../../scripts/test/queues.ts';
import { auditCheckpointJob, JOB_CATALOGUE } from '@threadline/db/jobs';
import { checkHandlers, startWorkerHost, type WorkerHost } from '../worker-host.ts';
import { runAuditCheckpoint } from './audit-checkpoint.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

describe('audit-checkpoint job', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  let pool: pg.Pool;
  let host: WorkerHost;
  let events: QueueEvents;
  let orgId: string;

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app' });
    orgId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 2,
      log: pino({ level: 'silent' }),
      catalogue: [auditCheckpointJob as never],
      handlers: { [auditCheckpointJob.name]: (payload: { organizationId?: string }) => runAuditCheckpoint({ pool, signingKey }, payload) },
    });
    events = new QueueEvents(auditCheckpointJob.queue, { connection, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await host?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  it('signs the head of every chain, once per head, and the checkpoint verifies', async () => {
    const queue = host.queue('maintenance');
    const first = await queue.add(auditCheckpointJob.name, {}, { ...auditCheckpointJob.options, jobId: 'cp-1' });
    const made = await first.waitUntilFinished(events, 15_000);
    expect(made).toHaveLength(1);
    const rows = await pool.query('SELECT seq, key_id FROM audit_checkpoints WHERE organization_id = $1', [orgId]);
    expect(rows.rows).toEqual([{ seq: '1', key_id: signingKey.keyId }]);

    const again = await queue.add(auditCheckpointJob.name, { organizationId: orgId }, { ...auditCheckpointJob.options, jobId: 'cp-2' });
    expect(await again.waitUntilFinished(events, 15_000)).toEqual([]);

    const verified = await verifyAuditChain(pool, orgId, new Map([[signingKey.keyId, signingKey.publicKey]]));
    expect(verified).toMatchObject({ ok: true, checkpointsChecked: 1, latestCheckpointSeq: 1n });
  });

  it('fails a malformed payload at once, without retrying it', async () => {
    const queue = host.queue('maintenance');
    const job = await queue.add(auditCheckpointJob.name, { organizationId: 'not-a-uuid' }, { ...auditCheckpointJob.options, jobId: 'cp-bad' });
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/invalid payload/);
    const failed = await queue.getJob('cp-bad');
    expect(failed!.attemptsMade).toBe(1);
  });
});

describe('worker host', () => {
  it('refuses to start with a catalogue job that has no handler, or a handler for no job', () => {
    expect(() => checkHandlers([auditCheckpointJob as never], {})).toThrow(/No handler for job\(s\) audit-checkpoint/);
    expect(() => checkHandlers(JOB_CATALOGUE, { [auditCheckpointJob.name]: async () => 1 })).toThrow(
      /No handler for job\(s\) drift-check, drift-sweep, experiment-evaluation, inference, frame-inference, model-training, model-backtest, telemetry-maintenance, review-schedule, telemetry-rollup, value-recompute/,
    );
    expect(() => checkHandlers([auditCheckpointJob as never], { [auditCheckpointJob.name]: async () => 1, ghost: async () => 1 })).toThrow(
      /unknown job\(s\) ghost/,
    );
    expect(() => checkHandlers([auditCheckpointJob as never, auditCheckpointJob as never], { [auditCheckpointJob.name]: async () => 1 })).toThrow(
      /more than once/,
    );
  });
});
