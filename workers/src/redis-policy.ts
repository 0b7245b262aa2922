// BullMQ needs Redis never to evict keys; a queue whose jobs vanish silently is worse than none.
import { Redis } from 'ioredis';

export async function checkNoEviction(url: string): Promise<'ok' | 'unknown'> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const reply = (await redis.config('GET', 'maxmemory-policy').catch(() => null)) as string[] | null;
    if (!reply) return 'unknown';
    if (reply[1] !== 'noeviction') {
      throw new Error(`Redis maxmemory-policy is ${reply[1]}; set it to noeviction (CONFIG SET maxmemory-policy noeviction) so queued jobs are never dropped.`);
    }
    return 'ok';
  } finally {
    redis.disconnect();
  }
}
