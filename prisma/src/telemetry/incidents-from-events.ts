// Incidents from the plant's own state changes: a STOPPED event opens an incident for its asset
// (unless one is open), a RUNNING event closes it with its downtime. Each change is an audit event
// by the system actor, in the same transaction, so downtime KPIs rest on an audited record.
import type pg from 'pg';
import { appendAuditEvent } from '../audit/audit-log.ts';
import { rawSqlOf } from '../sql.ts';

export interface StateChange {
  assetId: string;
  time: Date;
  code: string;
  severity: string;
  message: string;
}

export const STOPPED = 'STOPPED';
export const RUNNING = 'RUNNING';

/** Opens and closes incidents for the state changes; call inside the transaction that stored them. */
export async function applyStateChanges(client: pg.PoolClient, organizationId: string, changes: readonly StateChange[]): Promise<number> {
  const relevant = changes.filter((c) => c.code === STOPPED || c.code === RUNNING).sort((a, b) => a.time.getTime() - b.time.getTime());
  let changed = 0;
  const audit = rawSqlOf(client);
  for (const change of relevant) {
    const open = await client.query<{ id: string; started_at: Date }>(
      `SELECT id, started_at FROM incidents WHERE organization_id = $1 AND asset_id = $2 AND ended_at IS NULL AND started_at <= $3
        ORDER BY started_at DESC LIMIT 1 FOR UPDATE`,
      [organizationId, change.assetId, change.time],
    );
    const actor = { kind: 'SYSTEM' as const, id: null, label: `plant-event:${change.code}` };
    if (change.code === STOPPED && open.rows.length === 0) {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO incidents (organization_id, asset_id, title, cause, severity, started_at)
         SELECT $1, a.id, a.name || ' stopped', $3, $4::severity, $5 FROM assets a WHERE a.organization_id = $1 AND a.id = $2 RETURNING id`,
        [organizationId, change.assetId, change.message || null, change.severity, change.time],
      );
      await appendAuditEvent(audit, {
        organizationId,
        type: 'incident.created',
        actor,
        subjectType: 'incident',
        subjectId: rows[0]!.id,
        payload: { assetId: change.assetId, startedAt: change.time.toISOString(), cause: change.message },
      });
      changed += 1;
    } else if (change.code === RUNNING && open.rows[0]) {
      const downtimeMinutes = (change.time.getTime() - open.rows[0].started_at.getTime()) / 60_000;
      await client.query('UPDATE incidents SET ended_at = $2, downtime_minutes = $3 WHERE id = $1', [open.rows[0].id, change.time, downtimeMinutes]);
      await appendAuditEvent(audit, {
        organizationId,
        type: 'incident.updated',
        actor,
        subjectType: 'incident',
        subjectId: open.rows[0].id,
        payload: { changes: { endedAt: [null, change.time.toISOString()], downtimeMinutes: [0, downtimeMinutes] } },
      });
      changed += 1;
    }
  }
  return changed;
}
