// The review rhythm of DESIGN §1 run by a job: model performance every two weeks for each use case
// with a model, infrastructure health every quarter and a maturity assessment every year for the
// organisation. Each pass keeps one scheduled review ahead per subject (due one cadence after the
// last one, or now when that has passed), and marks reviews not held within a week of their due
// date as missed; due dates and the week of grace are plant-local days (the organisation's time
// zone: plant/shift-calendar.ts). Holding a review records its findings (each with an owner and a due date) and,
// for a maturity review, a score of 1-5 with evidence for every stated dimension.
import { z } from 'zod';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { RawSql } from '../sql.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { Refusal } from '../refusal.ts';
import { systemClock } from '../clock.ts';
import { timeZoneOf } from '../plant/shift-calendar.ts';
import { localDayStart } from '../plant/plant-days.ts';

const DAY_MS = 86_400_000;
/** Days after its due date a review may still be held before it counts as missed. */
export const REVIEW_GRACE_DAYS = 7;

export const REVIEW_CADENCE = {
  MODEL_PERFORMANCE: { days: 14, months: 0 },
  INFRA_HEALTH: { days: 0, months: 3 },
  MATURITY: { days: 0, months: 12 },
} as const;
export type ReviewKindName = keyof typeof REVIEW_CADENCE;

/** The dimensions a maturity assessment scores (1 ad hoc … 5 optimised). */
export const MATURITY_DIMENSIONS = ['STRATEGY', 'DATA', 'TECHNOLOGY', 'PEOPLE', 'GOVERNANCE', 'OPERATIONS'] as const;

const SYSTEM: AuditActor = { kind: 'SYSTEM', id: null, label: 'worker:review-schedule' };

export function nextDue(kind: ReviewKindName, after: Date): Date {
  const { days, months } = REVIEW_CADENCE[kind];
  const d = new Date(after.getTime() + days * DAY_MS);
  if (months > 0) d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

interface Subject {
  kind: ReviewKindName;
  use_case_id: string | null;
  squad_id: string | null;
  owner_id: string | null;
  last_due: Date | null;
  upcoming: boolean;
}

/** Schedules the next review of every subject that has none ahead, and marks overdue ones missed. */
export async function scheduleReviews(db: RawSql, organizationId: string, now: Date): Promise<{ created: number; missed: number }> {
  await db.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('review-schedule:' || $1))", organizationId);
  const zone = await timeZoneOf(db, organizationId, null);
  const missed = await db.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE reviews SET status = 'MISSED' WHERE organization_id = $1::uuid AND status = 'SCHEDULED' AND due_at < $2::timestamptz RETURNING id`,
    organizationId,
    localDayStart(now, zone, -REVIEW_GRACE_DAYS),
  );
  for (const r of missed) {
    await appendAuditEvent(db, {
      organizationId,
      type: 'review.updated',
      actor: SYSTEM,
      subjectType: 'review',
      subjectId: r.id,
      payload: { status: ['SCHEDULED', 'MISSED'] },
    });
  }
  const subjects = await db.$queryRawUnsafe<Subject[]>(
    `WITH subjects AS (
       SELECT 'MODEL_PERFORMANCE' AS kind, u.id AS use_case_id,
              (SELECT s.id FROM squads s WHERE s.organization_id = u.organization_id AND s.use_case_id = u.id ORDER BY s.name LIMIT 1) AS squad_id,
              coalesce(u.owner_id, (SELECT m.owner_id FROM models m WHERE m.organization_id = u.organization_id AND m.use_case_id = u.id AND m.owner_id IS NOT NULL ORDER BY m.name LIMIT 1)) AS owner_id
         FROM use_cases u WHERE u.organization_id = $1::uuid AND u.status = 'ACTIVE'
          AND EXISTS (SELECT 1 FROM models m WHERE m.organization_id = u.organization_id AND m.use_case_id = u.id)
       UNION ALL
       SELECT k, NULL, NULL, (SELECT id FROM users WHERE organization_id = $1::uuid AND role = r::user_role ORDER BY created_at, email LIMIT 1)
         FROM (VALUES ('INFRA_HEALTH', 'ADMIN'), ('MATURITY', 'APPROVER')) AS v(k, r))
     SELECT s.kind, s.use_case_id, s.squad_id, s.owner_id,
            (SELECT max(r.due_at) FROM reviews r WHERE r.organization_id = $1::uuid AND r.kind = s.kind::review_kind AND r.use_case_id IS NOT DISTINCT FROM s.use_case_id) AS last_due,
            EXISTS (SELECT 1 FROM reviews r WHERE r.organization_id = $1::uuid AND r.kind = s.kind::review_kind AND r.use_case_id IS NOT DISTINCT FROM s.use_case_id
                     AND r.status = 'SCHEDULED') AS upcoming
       FROM subjects s`,
    organizationId,
  );
  let created = 0;
  for (const s of subjects) {
    if (s.upcoming) continue;
    // Due at the start of the plant-local day it falls on.
    const due = localDayStart(s.last_due ? new Date(Math.max(nextDue(s.kind, s.last_due).getTime(), now.getTime())) : nextDue(s.kind, now), zone);
    const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO reviews (organization_id, kind, use_case_id, squad_id, owner_id, due_at) VALUES ($1::uuid, $2::review_kind, $3::uuid, $4::uuid, $5::uuid, $6) RETURNING id`,
      organizationId,
      s.kind,
      s.use_case_id,
      s.squad_id,
      s.owner_id,
      due,
    );
    await appendAuditEvent(db, {
      organizationId,
      type: 'review.created',
      actor: SYSTEM,
      subjectType: 'review',
      subjectId: row!.id,
      payload: { kind: s.kind, useCaseId: s.use_case_id, squadId: s.squad_id, ownerId: s.owner_id, dueAt: due.toISOString() },
    });
    created += 1;
  }
  return { created, missed: missed.length };
}

export const reviewOutcomeSchema = z.object({
  findings: z.array(z.object({ finding: z.string().min(1).max(2_000), ownerId: z.uuid(), dueAt: z.coerce.date() }).strict()).max(100),
  maturity: z
    .array(z.object({ dimension: z.enum(MATURITY_DIMENSIONS), score: z.number().int().min(1).max(5), evidence: z.string().min(1).max(2_000) }).strict())
    .optional(),
});
export type ReviewOutcome = z.infer<typeof reviewOutcomeSchema>;

/** Holds a scheduled (or missed) review: its findings with owners, and a maturity review's scores. */
export async function holdReview(
  db: RawSql,
  organizationId: string,
  reviewId: string,
  outcome: ReviewOutcome,
  actor: AuditActor,
  now: Date = systemClock.now(),
): Promise<void> {
  const [review] = await db.$queryRawUnsafe<{ kind: ReviewKindName; status: string }[]>(
    'SELECT kind::text, status::text FROM reviews WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    organizationId,
    reviewId,
  );
  if (!review) throw new Refusal(`Review ${reviewId} does not exist in your organisation.`, 'reviewId');
  if (review.status === 'DONE') throw new Refusal('The review was already held.', 'reviewId', 'CONFLICT');
  const owners = [...new Set(outcome.findings.map((f) => f.ownerId))];
  const known = await db.$queryRawUnsafe<{ id: string }[]>(
    'SELECT id FROM users WHERE organization_id = $1::uuid AND id = ANY($2::uuid[])',
    organizationId,
    owners,
  );
  const stranger = owners.find((o) => !known.some((k) => k.id === o));
  if (stranger) throw new Refusal(`findings: owner ${stranger} is not a user of your organisation.`, 'findings');
  if (review.kind === 'MATURITY') {
    const scored = (outcome.maturity ?? []).map((m) => m.dimension);
    const missing = MATURITY_DIMENSIONS.filter((d) => !scored.includes(d));
    if (missing.length > 0 || scored.length !== MATURITY_DIMENSIONS.length) {
      throw new Refusal(
        `A maturity review scores each of ${MATURITY_DIMENSIONS.join(', ')} once${missing.length > 0 ? `; missing: ${missing.join(', ')}` : ''}.`,
        'maturity',
      );
    }
  } else if (outcome.maturity !== undefined) {
    throw new Refusal('Only a MATURITY review carries maturity scores.', 'maturity');
  }
  const findings = outcome.findings.map((f) => ({ ...f, dueAt: f.dueAt.toISOString() }));
  await db.$executeRawUnsafe(
    "UPDATE reviews SET status = 'DONE', held_at = $3, findings = $4::jsonb, maturity = $5::jsonb WHERE organization_id = $1::uuid AND id = $2::uuid",
    organizationId,
    reviewId,
    now,
    JSON.stringify(findings),
    outcome.maturity ? JSON.stringify(outcome.maturity) : null,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'review.updated',
    actor,
    subjectType: 'review',
    subjectId: reviewId,
    payload: { status: [review.status, 'DONE'], findings: findings as unknown as JsonValue, maturity: (outcome.maturity ?? null) as unknown as JsonValue },
  });
}
