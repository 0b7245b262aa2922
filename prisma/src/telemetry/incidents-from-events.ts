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
export async function applyStateChanges(client: pg.ClientBase, organizationId: string, changes: readonly StateChange[]): Promise<number> {
  const relevant = changes.filter((c) => c.code === STOPPED || c.code === RUNNING).sort((a, b) => a.time.getTime() - b.time.getTime());
  let changed = 0;
  for (const change of relevant) {
    const open = await client.query<{ id: string; started_at: Date }>(
      `SELECT id, started_at FROM incidents WHERE organization_id = $1 AND asset_id = $2 AND ended_at IS NULL AND started_at <= $3
        ORDER BY started_at DESC LIMIT 1 FOR UPDATE`,
      [organizationId, change.assetId, change.time],
    );
    const label = `plant-event:${change.code}`;
    if (change.code === STOPPED && open.rows.length === 0) {
      await openIncident(
        client,
        organizationId,
        { assetId: change.assetId, title: 'stopped', cause: change.message, severity: change.severity, startedAt: change.time },
        label,
      );
      changed += 1;
    } else if (change.code === RUNNING && open.rows[0]) {
      await closeIncident(client, organizationId, { id: open.rows[0].id, startedAt: open.rows[0].started_at }, change.time, label);
      changed += 1;
    }
  }
  return changed;
}

export interface IncidentOpening {
  assetId: string;
  /** After the asset's name: "<asset> <title>". */
  title: string;
  cause: string;
  severity: string;
  startedAt: Date;
}

/** Opens an incident on the asset, audited by the system actor `label`; returns its id. */
export async function openIncident(client: pg.ClientBase, organizationId: string, opening: IncidentOpening, label: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO incidents (organization_id, asset_id, title, cause, severity, started_at)
     SELECT $1, a.id, a.name || ' ' || $6, $3, $4::severity, $5 FROM assets a WHERE a.organization_id = $1 AND a.id = $2 RETURNING id`,
    [organizationId, opening.assetId, opening.cause || null, opening.severity, opening.startedAt, opening.title],
  );
  await appendAuditEvent(rawSqlOf(client), {
    organizationId,
    type: 'incident.created',
    actor: { kind: 'SYSTEM', id: null, label },
    subjectType: 'incident',
    subjectId: rows[0]!.id,
    payload: { assetId: opening.assetId, startedAt: opening.startedAt.toISOString(), cause: opening.cause },
  });
  return rows[0]!.id;
}

/** Closes an open incident at `endedAt` with its downtime, audited by the system actor `label`. */
export async function closeIncident(
  client: pg.ClientBase,
  organizationId: string,
  incident: { id: string; startedAt: Date },
  endedAt: Date,
  label: string,
): Promise<void> {
  const downtimeMinutes = Math.max(0, (endedAt.getTime() - incident.startedAt.getTime()) / 60_000);
  await client.query('UPDATE incidents SET ended_at = $2, downtime_minutes = $3 WHERE id = $1', [incident.id, endedAt, downtimeMinutes]);
  await appendAuditEvent(rawSqlOf(client), {
    organizationId,
    type: 'incident.updated',
    actor: { kind: 'SYSTEM', id: null, label },
    subjectType: 'incident',
    subjectId: incident.id,
    payload: { changes: { endedAt: [null, endedAt.toISOString()], downtimeMinutes: [0, downtimeMinutes] } },
  });
}
