// Writes the insights a batch of scored windows raises and closes (insight-rules.ts), inside the
// caller's transaction. At most one insight per asset and source is open (a partial unique index),
// so a repeated job raises nothing twice, and batches for the same asset and source take turns
// (lockInsightSlots). Each raised insight is an audit event by the system.
import { appendAuditEvent } from '../audit/audit-log.ts';
import { rows, type RawSql } from '../sql.ts';
import { insightTransitions, severityOf, type ScoredWindow } from './insight-rules.ts';

/** The source key of a model's insights, and of a deployment's fallback rules'. */
export const modelSourceKey = (modelId: string) => `model:${modelId}`;
export const fallbackSourceKey = (deploymentId: string) => `fallback:${deploymentId}`;

export interface InsightSource {
  /** modelSourceKey or fallbackSourceKey. */
  key: string;
  kind: string;
  fromFallback: boolean;
  modelVersionId: string | null;
  useCaseId: string | null;
}

export interface Description {
  explanation: unknown[];
  title: string;
}

export interface InsightCandidate extends ScoredWindow {
  predictionId: string | null;
  windowMs: number;
  /** Receipt of the earliest point in the evidence window (for time to insight). */
  earliestReceived: number | null;
  /** When it was raised, where not now (an edge agent raised it on site, then forwarded it). */
  raisedAt?: number | null;
  /** The explanation and title, worked out only for windows that raise an insight (a frame's heat map takes model runs: it may be async). */
  describe: () => Description | Promise<Description>;
}

/**
 * Takes the insight slots of (source, asset) pairs until the transaction ends, in key order: one
 * batch at a time per asset and source, so a batch scored beside another sees the insight the
 * other opened (without it both saw none open, both raised, and the unique index kept whichever
 * committed first, older evidence or not). raiseInsights takes its own; a transaction that raises
 * for several sources takes them all first, before any audit event (whose lock comes after these).
 */
export async function lockInsightSlots(db: RawSql, organizationId: string, slots: readonly { sourceKey: string; assetId: string }[]): Promise<void> {
  if (slots.length === 0) return;
  await db.$executeRawUnsafe(
    `SELECT pg_advisory_xact_lock(k)
       FROM (SELECT DISTINCT hashtextextended($1::text || '|' || s || '|' || a, 23) AS k FROM unnest($2::text[], $3::text[]) AS u(s, a)) AS keys
      ORDER BY k`,
    organizationId,
    slots.map((slot) => slot.sourceKey),
    slots.map((slot) => slot.assetId),
  );
}

export async function raiseInsights(
  db: RawSql,
  organizationId: string,
  source: InsightSource,
  threshold: number,
  windows: readonly InsightCandidate[],
): Promise<number> {
  if (windows.length === 0) return 0;
  const assets = [...new Set(windows.map((w) => w.assetId))];
  await lockInsightSlots(
    db,
    organizationId,
    assets.map((assetId) => ({ sourceKey: source.key, assetId })),
  );
  const open = await rows<{ assetId: string; since: number }>(
    db,
    `SELECT asset_id AS "assetId", extract(epoch FROM evidence_end_at) * 1000 AS since FROM insights
      WHERE organization_id = $1 AND source_key = $2 AND resolved_at IS NULL AND asset_id = ANY($3::uuid[]) FOR UPDATE`,
    organizationId,
    source.key,
    assets,
  );
  const { raise, close } = insightTransitions(new Map(open.map((r) => [r.assetId, Number(r.since)])), windows, threshold);
  if (close.length > 0) {
    await db.$executeRawUnsafe(
      'UPDATE insights SET resolved_at = now() WHERE organization_id = $1 AND source_key = $2 AND resolved_at IS NULL AND asset_id = ANY($3::uuid[])',
      organizationId,
      source.key,
      close,
    );
  }
  if (raise.length === 0) return 0;
  const described = await Promise.all(raise.map((x) => x.window.describe()));
  const raised = await rows<{ id: string; assetId: string; severity: string; title: string }>(
    db,
    `INSERT INTO insights (organization_id, asset_id, use_case_id, model_version_id, prediction_id, kind, severity, title, explanation, from_fallback,
                           source_key, evidence_start_at, evidence_end_at, evidence_received_at, raised_at, resolved_at)
     SELECT $1, a, $2, $3, p, $4::insight_kind, sev::severity, title, e::jsonb, $5, $6, to_timestamp(s / 1000.0), to_timestamp(t / 1000.0), to_timestamp(r / 1000.0),
            coalesce(to_timestamp(ra / 1000.0), now()), CASE WHEN closed THEN greatest(now(), to_timestamp(ra / 1000.0)) END
       FROM unnest($7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::float8[], $13::float8[], $14::float8[], $15::bool[], $16::float8[])
            AS u(a, p, sev, title, e, s, t, r, closed, ra)
     ON CONFLICT (organization_id, asset_id, source_key) WHERE resolved_at IS NULL AND source_key <> '' DO NOTHING
     RETURNING id, asset_id AS "assetId", severity, title`,
    organizationId,
    source.useCaseId,
    source.modelVersionId,
    source.kind,
    source.fromFallback,
    source.key,
    raise.map((x) => x.window.assetId),
    raise.map((x) => x.window.predictionId),
    raise.map((x) => severityOf(x.window.score, threshold)),
    described.map((d) => d.title),
    described.map((d) => JSON.stringify(d.explanation)),
    raise.map((x) => x.window.windowEnd - x.window.windowMs),
    raise.map((x) => x.window.windowEnd),
    raise.map((x) => x.window.earliestReceived),
    raise.map((x) => x.closedAt !== null),
    raise.map((x) => x.window.raisedAt ?? null),
  );
  for (const insight of raised) {
    await appendAuditEvent(db, {
      organizationId,
      type: 'insight.created',
      actor: { kind: 'SYSTEM', id: null, label: source.fromFallback ? 'worker:fallback-rules' : 'worker:inference' },
      subjectType: 'insight',
      subjectId: insight.id,
      payload: { assetId: insight.assetId, source: source.key, severity: insight.severity, title: insight.title, modelVersionId: source.modelVersionId },
    });
  }
  return raised.length;
}
