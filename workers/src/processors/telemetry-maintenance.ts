// Keeps telemetry storage in shape: partitions for the next two weeks exist before points arrive,
// raw points and rollups older than the retention policy are removed, and so are camera frames
// (frame-retention.ts). Idempotent.
import type { RetentionPolicy, RetentionResult, TelemetryStorage } from '@threadline/db/telemetry/storage';
import { systemClock } from '@threadline/db/clock';
import type pg from 'pg';
import type { FrameStore } from '@threadline/db/vision/frame-store';
import { applyFrameRetention, type FrameRetentionResult } from '@threadline/db/vision/frame-retention';

const DAY_MS = 86_400_000;

export async function runTelemetryMaintenance(
  storage: TelemetryStorage,
  policy: RetentionPolicy,
  frames: { pool: pg.Pool; store: FrameStore; retentionDays: number } | null,
  now = systemClock.now(),
): Promise<RetentionResult & { partitionsCreated: number } & Partial<FrameRetentionResult>> {
  const partitionsCreated = await storage.ensurePartitions(new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 14 * DAY_MS));
  const telemetry = await storage.applyRetention(policy, now);
  return { partitionsCreated, ...telemetry, ...(frames ? await applyFrameRetention(frames.pool, frames.store, frames.retentionDays, now) : {}) };
}
