// Keeps telemetry storage in shape: partitions for the next two weeks exist before points arrive,
// and raw points and rollups older than the retention policy are removed. Idempotent.
import type { RetentionPolicy, RetentionResult, TelemetryStorage } from '@threadline/db/telemetry/storage';
import { systemClock } from '@threadline/db/clock';

const DAY_MS = 86_400_000;

export async function runTelemetryMaintenance(
  storage: TelemetryStorage,
  policy: RetentionPolicy,
  now = systemClock.now(),
): Promise<RetentionResult & { partitionsCreated: number }> {
  const partitionsCreated = await storage.ensurePartitions(new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 14 * DAY_MS));
  return { partitionsCreated, ...(await storage.applyRetention(policy, now)) };
}
