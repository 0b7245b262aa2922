// BullMQ needs Redis never to evict keys; a queue whose jobs vanish silently is worse than none.
// On a cluster every master is asked (a replica promoted later keeps its own setting: set it on all).
import type { Cluster, Redis } from 'ioredis';
import { probeClient, type RedisTarget } from './redis-target.ts';

export async function checkNoEviction(target: RedisTarget): Promise<'ok' | 'unknown'> {
  const client = probeClient(target, 5_000);
  try {
    await client.connect();
    const servers: (Redis | Cluster)[] = target.kind === 'cluster' ? (client as Cluster).nodes('master') : [client];
    for (const server of servers) {
      const reply = (await (server as Redis).config('GET', 'maxmemory-policy').catch(() => null)) as string[] | null;
      if (!reply) return 'unknown';
      if (reply[1] !== 'noeviction') {
        throw new Error(
          `Redis maxmemory-policy is ${reply[1]}; set it to noeviction (CONFIG SET maxmemory-policy noeviction) so queued jobs are never dropped.`,
        );
      }
    }
    return 'ok';
  } finally {
    client.disconnect();
  }
}
