// Per-test queue prefixes on the real Redis, removed after the test file.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export const redisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testQueuePrefix(): string {
  return `tl-test-${inject('runId')}-${randomBytes(3).toString('hex')}`;
}

/** Deletes every key under the prefix. */
export async function dropQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl());
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const mqttUrl = (): string => process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
