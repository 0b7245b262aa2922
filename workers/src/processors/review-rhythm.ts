// The programme's scheduled passes, per organisation, each in its own transaction (a failed
// organisation rolls back alone and the job is retried): value-recompute (computed KPIs, running
// waves' gates, first values, ROI snapshots; prisma/src/value/recompute.ts) and review-schedule
// (the review rhythm; prisma/src/people/review-rhythm.ts).
import type pg from 'pg';
import { organizationIds } from '@threadline/db/plant/organizations';
import { scheduleReviews } from '@threadline/db/people/review-rhythm';
import { inTransaction, type RawSql } from '@threadline/db/sql';
import { recomputeValue, type RecomputeResult } from '@threadline/db/value/recompute';
import { systemClock } from '@threadline/db/clock';

async function perOrganization<T>(
  pool: pg.Pool,
  organizationId: string | undefined,
  work: (db: RawSql, organizationId: string) => Promise<T>,
): Promise<Record<string, T>> {
  const results: Record<string, T> = {};
  for (const id of await organizationIds(pool, organizationId)) results[id] = await inTransaction(pool, (db) => work(db, id));
  return results;
}

export function runValueRecompute(
  pool: pg.Pool,
  payload: { organizationId?: string | undefined },
  lookbackDays: number,
  now = systemClock.now(),
): Promise<Record<string, RecomputeResult>> {
  return perOrganization(pool, payload.organizationId, (db, org) => recomputeValue(db, org, now, lookbackDays));
}

export function runReviewSchedule(
  pool: pg.Pool,
  payload: { organizationId?: string | undefined },
  now = systemClock.now(),
): Promise<Record<string, { created: number; missed: number }>> {
  return perOrganization(pool, payload.organizationId, (db, org) => scheduleReviews(db, org, now));
}
