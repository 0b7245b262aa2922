// The value-recompute job: per organisation, in its own transaction, computed KPIs, running waves'
// gates, first values (TTV) and ROI snapshots (prisma/src/value/recompute.ts). A failed
// organisation rolls back alone and the job is retried.
import type pg from 'pg';
import { rawSqlOf } from '@threadline/db/audit/audit-log';
import { recomputeValue, type RecomputeResult } from '@threadline/db/value/recompute';
import { inTransaction } from '../db-transaction.ts';

export async function runValueRecompute(pool: pg.Pool, payload: { organizationId?: string | undefined }, lookbackDays: number, now = new Date()): Promise<Record<string, RecomputeResult>> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM organizations WHERE $1::uuid IS NULL OR id = $1::uuid ORDER BY id', [payload.organizationId ?? null]);
  const results: Record<string, RecomputeResult> = {};
  for (const org of rows) {
    results[org.id] = await inTransaction(pool, (client) => recomputeValue(rawSqlOf(client), org.id, now, lookbackDays));
  }
  return results;
}
