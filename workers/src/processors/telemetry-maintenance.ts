// Keeps telemetry storage in shape: partitions for the next two weeks exist before points arrive,
// raw points and rollups older than the retention policy are removed, and so are camera frames
// (frame-retention.ts) and sampled trace spans (observability/span-store.ts). Idempotent.
import type { RetentionPolicy, RetentionResult, TelemetryStorage } from '@threadline/db/telemetry/storage';
import { systemClock } from '@threadline/db/clock';
import type pg from 'pg';
import type { FrameStore } from '@threadline/db/vision/frame-store';
import { applyFrameRetention, type FrameRetentionResult } from '@threadline/db/vision/frame-retention';
import { pruneSpans } from '@threadline/db/observability/span-store';

const DAY_MS = 86_400_000;

export interface KeptElsewhere {
  pool: pg.Pool;
  /** Camera frames' store, and how many days frames are kept. */
  store: FrameStore;
  frameRetentionDays: number;
  /** How many days sampled trace spans are kept. */
  traceRetentionDays: number;
}

export async function runTelemetryMaintenance(
  storage: TelemetryStorage,
  policy: RetentionPolicy,
  kept: KeptElsewhere | null,
  now = systemClock.now(),
): Promise<RetentionResult & { partitionsCreated: number; spansDropped?: number } & Partial<FrameRetentionResult>> {
  const partitionsCreated = await storage.ensurePartitions(new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 14 * DAY_MS));
  const telemetry = await storage.applyRetention(policy, now);
  if (!kept) return { partitionsCreated, ...telemetry };
  return {
    partitionsCreated,
    ...telemetry,
    spansDropped: await pruneSpans(kept.pool, kept.traceRetentionDays, now),
    ...(await applyFrameRetention(kept.pool, kept.store, kept.frameRetentionDays, now)),
  };
}
