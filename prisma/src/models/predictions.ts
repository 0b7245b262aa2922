// A deployment's stored predictions over a time range, as the drift check and the experiment
// evaluation read them: asset, window end (epoch ms) and score.
import type pg from 'pg';
import { rawSqlOf, rows } from '../sql.ts';

export interface ScoredWindow {
  assetId: string;
  t: number;
  score: number;
}

/** Predictions with window ends in (from, to], or [from, to] when `fromInclusive`; times in epoch ms. */
export async function predictionsBetween(
  pool: pg.Pool,
  organizationId: string,
  deploymentId: string,
  range: { from: number; to: number; fromInclusive?: boolean },
): Promise<ScoredWindow[]> {
  const found = await rows<ScoredWindow>(
    rawSqlOf(pool),
    `SELECT asset_id AS "assetId", extract(epoch FROM ts) * 1000 AS t, score FROM predictions
      WHERE organization_id = $1 AND deployment_id = $2 AND (ts > $3 OR ($5 AND ts = $3)) AND ts <= $4`,
    organizationId,
    deploymentId,
    new Date(range.from),
    new Date(range.to),
    range.fromInclusive ?? false,
  );
  return found.map((r) => ({ ...r, t: Number(r.t) }));
}
