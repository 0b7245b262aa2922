// Operators' verdicts on insights: a true problem, a false alarm, or unsure, with a comment. A
// person gives one and may change it (each change is audited with what it replaced). Verdicts are
// labels: the windows an insight stood for (from the end of its evidence until it closed, at most
// the horizon) count as failures (TRUE_PROBLEM), as normal (FALSE_ALARM), or not at all (UNSURE),
// ahead of what incidents say, wherever labels are read (datasets for training and backtests, the
// performance-decay check, promotions).
import type pg from 'pg';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { Insight } from '../client.ts';
import { Refusal } from '../refusal.ts';
import { rawSqlOf, rows, written, type RawSql } from '../sql.ts';

export const VERDICTS = ['TRUE_PROBLEM', 'FALSE_ALARM', 'UNSURE'] as const;
export type Verdict = (typeof VERDICTS)[number];

const LABEL_OF: Record<Verdict, 0 | 1 | null> = { TRUE_PROBLEM: 1, FALSE_ALARM: 0, UNSURE: null };
const MAX_COMMENT = 2000;

export async function setInsightVerdict(
  db: RawSql,
  organizationId: string,
  insightId: string,
  input: { verdict: Verdict; comment: string | null },
  userId: string,
  actor: AuditActor,
  now: Date,
): Promise<Insight> {
  if (input.comment !== null && input.comment.length > MAX_COMMENT) throw new Refusal(`A comment has at most ${MAX_COMMENT} characters.`, 'comment');
  const [current] = await db.$queryRawUnsafe<{ verdict: Verdict | null }[]>(
    'SELECT verdict::text AS verdict FROM insights WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    organizationId,
    insightId,
  );
  if (!current) throw new Refusal(`Insight ${insightId} does not exist in your organisation.`, 'insightId', 'NOT_FOUND');
  const updated = await written<Insight>(
    db,
    `UPDATE insights SET verdict = $3::insight_verdict, verdict_comment = $4, verdict_by_id = $5::uuid, verdict_at = $6
      WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING *`,
    organizationId,
    insightId,
    input.verdict,
    input.comment,
    userId,
    now,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'insight.updated',
    actor,
    subjectType: 'insight',
    subjectId: insightId,
    payload: { verdict: input.verdict, verdictComment: input.comment, previousVerdict: current.verdict, verdictById: userId },
  });
  return updated!;
}

/** The windows an insight with a verdict stands for, on one asset: window ends in [from, to], and their label. */
export interface VerdictSpan {
  assetId: string;
  from: number;
  to: number;
  label: 0 | 1 | null;
}

/** A verdict loader bound to one organisation, as the pure model code takes it. */
export type VerdictLoader = (assetIds: readonly string[], from: number, to: number, horizonMs: number) => Promise<VerdictSpan[]>;

/** Verdict spans of the assets' insights whose evidence ended in [from − horizon, to]. */
export async function loadVerdictSpans(
  db: RawSql,
  organizationId: string,
  assetIds: readonly string[],
  from: number,
  to: number,
  horizonMs: number,
): Promise<VerdictSpan[]> {
  const found = await rows<{ assetId: string; ended: number; resolved: number | null; verdict: Verdict }>(
    db,
    `SELECT asset_id AS "assetId", extract(epoch FROM evidence_end_at) * 1000 AS ended, extract(epoch FROM resolved_at) * 1000 AS resolved, verdict::text AS verdict
       FROM insights
      WHERE organization_id = $1 AND asset_id = ANY($2::uuid[]) AND verdict IS NOT NULL
        AND evidence_end_at >= $3 AND evidence_end_at <= $4`,
    organizationId,
    assetIds,
    new Date(from - horizonMs),
    new Date(to),
  );
  return found.map((r) => {
    const ended = Number(r.ended);
    const closed = r.resolved === null ? Infinity : Number(r.resolved);
    return { assetId: r.assetId, from: ended, to: Math.min(closed, ended + horizonMs), label: LABEL_OF[r.verdict] };
  });
}

export function verdictLoaderOf(pool: pg.Pool, organizationId: string): VerdictLoader {
  return (assetIds, from, to, horizonMs) => loadVerdictSpans(rawSqlOf(pool), organizationId, assetIds, from, to, horizonMs);
}

/** The label verdicts give the window ending at `end`, or `undefined` where none speaks for it (then incidents decide). */
export function verdictLabel(spans: readonly VerdictSpan[], end: number): 0 | 1 | null | undefined {
  let label: 0 | 1 | null | undefined;
  for (const span of spans) {
    if (end < span.from || end > span.to) continue;
    // An operator's "unsure" wins over a firm verdict on the same window; two firm ones that disagree leave it out.
    if (span.label === null || (label !== undefined && label !== span.label)) return null;
    label = span.label;
  }
  return label;
}
