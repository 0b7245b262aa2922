// The programme's scheduled passes, per organisation, each in its own transaction (a failed
// organisation rolls back alone and the job is retried): value-recompute (computed KPIs, running
// waves' gates, first values, ROI snapshots; prisma/src/value/recompute.ts) and review-schedule
// (the review rhythm; prisma/src/people/review-rhythm.ts).
import type pg from 'pg';
import { rawSqlOf, type RawSql } from '@threadline/db/audit/audit-log';
import { scheduleReviews } from '@threadline/db/people/review-rhythm';
import { recomputeValue, type RecomputeResult } from '@threadline/db/value/recompute';
import { inTransaction } from '../db-transaction.ts';

async function perOrganization<T>(pool: pg.Pool, organizationId: string | undefined, work: (db: RawSql, organizationId: string) => Promise<T>): Promise<Record<string, T>> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM organizations WHERE $1::uuid IS NULL OR id = $1::uuid ORDER BY id', [organizationId ?? null]);
  const results: Record<string, T> = {};
  for (const org of rows) results[org.id] = await inTransaction(pool, (client) => work(rawSqlOf(client), org.id));
  return results;
}

export function runValueRecompute(pool: pg.Pool, payload: { organizationId?: string | undefined }, lookbackDays: number, now = new Date()): Promise<Record<string, RecomputeResult>> {
  return perOrganization(pool, payload.organizationId, (db, org) => recomputeValue(db, org, now, lookbackDays));
}

export function runReviewSchedule(pool: pg.Pool, payload: { organizationId?: string | undefined }, now = new Date()): Promise<Record<string, { created: number; missed: number }>> {
  return perOrganization(pool, payload.organizationId, (db, org) => scheduleReviews(db, org, now));
}
