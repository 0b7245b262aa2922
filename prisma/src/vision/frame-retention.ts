// The frames' retention rule (FRAME_RETENTION_DAYS): frames older than the retention are deleted,
// except those that are training data (labelled) or the evidence of an insight; then the bytes no
// frame refers to any more leave the store. In rounds of a bounded size, so a large backlog never
// holds one long transaction. Run by the telemetry-maintenance job; idempotent.
import type pg from 'pg';
import { inTransaction } from '../sql.ts';
import type { FrameStore } from './frame-store.ts';
import { INSIGHT_FRAME_ID } from './frame-scoring.ts';

const ROUND = 5_000;
const DAY_MS = 86_400_000;

export interface FrameRetentionResult {
  framesDeleted: number;
  bytesDeleted: number;
}

export async function applyFrameRetention(pool: pg.Pool, store: FrameStore, retentionDays: number, now: Date): Promise<FrameRetentionResult> {
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  const result: FrameRetentionResult = { framesDeleted: 0, bytesDeleted: 0 };
  for (;;) {
    const { deleted, unreferenced } = await inTransaction(pool, async (db) => {
      const gone = await db.$queryRawUnsafe<{ sha256: string }[]>(
        `DELETE FROM frames WHERE id IN (
           SELECT f.id FROM frames f WHERE f.ts < $1 AND f.label IS NULL
              AND f.id NOT IN (SELECT frame_id FROM (SELECT ${INSIGHT_FRAME_ID} AS frame_id FROM insights i) AS evidence WHERE frame_id IS NOT NULL)
            LIMIT $2)
         RETURNING sha256`,
        before,
        ROUND,
      );
      const hashes = [...new Set(gone.map((g) => g.sha256))];
      const kept = await db.$queryRawUnsafe<{ sha256: string }[]>('SELECT DISTINCT sha256 FROM frames WHERE sha256 = ANY($1::text[])', hashes);
      const stillUsed = new Set(kept.map((k) => k.sha256));
      return { deleted: gone.length, unreferenced: hashes.filter((h) => !stillUsed.has(h)) };
    });
    // The references are gone (committed) before the bytes: a reader never finds a frame without its bytes.
    for (const sha256 of unreferenced) await store.delete(sha256);
    result.framesDeleted += deleted;
    result.bytesDeleted += unreferenced.length;
    if (deleted < ROUND) return result;
  }
}
