// Per-test queue prefixes on the real Redis, removed after the test file.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export { dropQueuePrefix, redisUrl } from './redis-prefix.ts';

export function testQueuePrefix(): string {
  return `tl-test-${inject('runId')}-${randomBytes(3).toString('hex')}`;
}

export const mqttUrl = (): string => process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
