// Time to insight and to acknowledgement (DESIGN §2) per use case and period. The time to insight
// of one insight is raisedAt − receivedAt of the earliest telemetry point in its evidence window
// (stored on the insight as evidenceReceivedAt); MTTI is their mean over the insights raised in
// the period, with p50 and p95 (continuous percentiles, interpolated between the closest ranks).
// MTTA is reported apart: acknowledgedAt − raisedAt over the acknowledged insights.
import type { RawSql } from '../sql.ts';

export interface DurationStats {
  /** How many insights the figures are over. */
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

export interface InsightTimings {
  insights: number;
  mtti: DurationStats;
  mtta: DurationStats & { unacknowledged: number };
}

interface Row {
  insights: number;
  unacknowledged: number;
  tti_n: number;
  tti_mean: number | null;
  tti_p50: number | null;
  tti_p95: number | null;
  tta_n: number;
  tta_mean: number | null;
  tta_p50: number | null;
  tta_p95: number | null;
}

/** Count, mean, p50 and p95 of a duration in seconds, as columns named `<prefix>_n` and so on. */
const statsColumns = (seconds: string, prefix: string) => `
  count(${seconds})::int AS ${prefix}_n, avg(${seconds}) AS ${prefix}_mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}) AS ${prefix}_p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY ${seconds}) AS ${prefix}_p95`;

/** MTTI and MTTA of the insights of each of `useCaseIds` raised in [from, to), in one statement. */
export async function insightTimings(
  db: RawSql,
  organizationId: string,
  useCaseIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, InsightTimings>> {
  const rows = await db.$queryRawUnsafe<(Row & { use_case_id: string })[]>(
    `SELECT use_case_id, count(*)::int AS insights, count(*) FILTER (WHERE acknowledged_at IS NULL)::int AS unacknowledged,
            ${statsColumns('extract(epoch FROM raised_at - evidence_received_at)', 'tti')},
            ${statsColumns('extract(epoch FROM acknowledged_at - raised_at)', 'tta')}
       FROM insights
      WHERE organization_id = $1::uuid AND use_case_id = ANY($2::uuid[]) AND raised_at >= $3 AND raised_at < $4
      GROUP BY use_case_id`,
    organizationId,
    useCaseIds,
    from,
    to,
  );
  const byUseCase = new Map(rows.map((row) => [row.use_case_id, timingsOf(row)]));
  return new Map(useCaseIds.map((id) => [id, byUseCase.get(id) ?? timingsOf(NONE)]));
}

const NONE: Row = {
  insights: 0,
  unacknowledged: 0,
  tti_n: 0,
  tti_mean: null,
  tti_p50: null,
  tti_p95: null,
  tta_n: 0,
  tta_mean: null,
  tta_p50: null,
  tta_p95: null,
};

function timingsOf(row: Row): InsightTimings {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    insights: row.insights,
    mtti: { count: row.tti_n, meanSeconds: num(row.tti_mean), p50Seconds: num(row.tti_p50), p95Seconds: num(row.tti_p95) },
    mtta: {
      count: row.tta_n,
      meanSeconds: num(row.tta_mean),
      p50Seconds: num(row.tta_p50),
      p95Seconds: num(row.tta_p95),
      unacknowledged: row.unacknowledged,
    },
  };
}
