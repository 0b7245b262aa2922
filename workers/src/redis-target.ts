// Where the queues live: one Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES, seeds as
// host:port). On a cluster every key of a BullMQ queue must hash to one slot (its Lua scripts
// touch several keys at once), so the queue prefix is made a hash tag, `{threadline}`: all queues of
// one installation live on one shard, and its replica takes over when that master fails.
// (ioredis' keyPrefix cannot be used instead: BullMQ refuses it.)
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis } from 'ioredis';

export type RedisTarget = { kind: 'single'; url: string } | { kind: 'cluster'; nodes: { host: string; port: number }[] };

/** `REDIS_CLUSTER_NODES` ("host:port,host:port") when set, else `REDIS_URL`. */
export function redisTarget(url: string, clusterNodes?: string): RedisTarget {
  if (!clusterNodes) return { kind: 'single', url };
  const nodes = clusterNodes.split(',').map((seed) => {
    const match = /^\s*([^:\s]+):(\d{1,5})\s*$/.exec(seed);
    if (!match) throw new Error(`REDIS_CLUSTER_NODES: "${seed}" is not host:port`);
    return { host: match[1]!, port: Number(match[2]) };
  });
  return { kind: 'cluster', nodes };
}

/** The queue prefix as stored: a hash tag on a cluster, as given otherwise. */
export function queuePrefix(target: RedisTarget, prefix: string): string {
  return target.kind === 'cluster' ? `{${prefix}}` : prefix;
}

/** What BullMQ connects with (one shared Cluster client on a cluster; workers duplicate it for blocking reads). */
export function queueConnection(target: RedisTarget): ConnectionOptions {
  if (target.kind === 'single') return { url: target.url, maxRetriesPerRequest: null };
  return new Cluster(target.nodes, { redisOptions: { maxRetriesPerRequest: null } });
}

/** A client of its own for checks (the watchdog, the eviction policy), failing fast instead of queueing commands. */
export function probeClient(target: RedisTarget, timeoutMs: number): Redis | Cluster {
  const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: timeoutMs, commandTimeout: timeoutMs };
  const client =
    target.kind === 'single'
      ? new Redis(target.url, { ...options, retryStrategy: () => timeoutMs })
      : new Cluster(target.nodes, { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => timeoutMs, redisOptions: options });
  client.on('error', () => undefined);
  return client;
}
