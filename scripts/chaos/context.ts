// What the chaos scenarios share: the run's database and Redis, its keys, and how they read a
// BullMQ queue's progress.
import type pg from 'pg';
import type { Queue } from 'bullmq';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import type { PrivateRedis } from '../test/private-redis.ts';
import { out, sleep } from './outcome.ts';

export interface ChaosContext {
  databaseUrl: string;
  pool: pg.Pool;
  redis: PrivateRedis;
  /** Signs model versions and audit checkpoints in every process the run starts (PKCS#8 PEM). */
  pem: string;
  signingKey: SigningKey;
}

/** The services' environment for the run: its database, its Redis and queue prefix, its keys. */
export const serviceEnv = (context: ChaosContext, prefix: string, databaseUrl = context.databaseUrl): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  REDIS_URL: context.redis.url,
  QUEUE_PREFIX: prefix,
  MODEL_SIGNING_KEY: context.pem,
  AUDIT_SIGNING_KEY: context.pem,
});

export const counts = async (queue: Queue) => queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized').catch(() => null);
/** Jobs not finished yet (completed ones are trimmed by removeOnComplete, so they are not counted). */
export const pending = (c: Record<string, number>) => c.active! + c.waiting! + c.delayed! + c.prioritized!;

export async function waitUntilDone(queue: Queue, total: number, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  let reported = started;
  while (Date.now() < started + timeoutMs) {
    const c = await counts(queue);
    if (c && pending(c) === 0) return true;
    if (c && Date.now() - reported > 15_000) {
      reported = Date.now();
      out(`  ${total - pending(c)} of ${total} jobs finished after ${Math.round((reported - started) / 1000)} s`);
    }
    await sleep(250);
  }
  return false;
}
