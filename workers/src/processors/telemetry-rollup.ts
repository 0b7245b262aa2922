// Brings telemetry rollups up to date, a bounded batch of dirty minutes at a time, until none are
// left. Idempotent: redoing a minute recomputes it from raw points.
import type { TelemetryStorage } from '@threadline/db/telemetry/storage';

const BATCH_MINUTES = 20_000;

export async function runTelemetryRollup(storage: TelemetryStorage): Promise<{ minutes: number }> {
  let minutes = 0;
  for (;;) {
    const done = await storage.refreshRollups(BATCH_MINUTES);
    minutes += done;
    if (done < BATCH_MINUTES) return { minutes };
  }
}
