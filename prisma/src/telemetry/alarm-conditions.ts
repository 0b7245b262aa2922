// OPC UA Alarms & Conditions in the thread: each condition event a plant server sends (its
// active, acknowledged and confirmed states, severity, message and comment) updates the
// condition's row, and each change of state becomes a plant event through the one event ingest
// path (ALARM when it becomes active, LOG <NAME>_CLEARED, _ACKNOWLEDGED, _CONFIRMED); a critical
// condition (severity 700 or more) opens an incident that its clearing closes. Plant events go
// first and are idempotent, so a condition refreshed after a crash gives its events again, once.
// An operator's acknowledgement is audited and sent to the server by a job (alarm-acknowledgement).
import type pg from 'pg';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { addToOutbox } from '../outbox.ts';
import { alarmAcknowledgementJob } from '../jobs.ts';
import { Refusal } from '../refusal.ts';
import { inTransaction, rawSqlOf, row, rows, type RawSql } from '../sql.ts';
import type { EventIngest, RawEvent } from './events.ts';
import { closeIncident, openIncident } from './incidents-from-events.ts';

/** OPC UA severity (1-1000) from which a condition opens an incident and is CRITICAL. */
export const CRITICAL_SEVERITY = 700;
/** From which it is a WARNING; below, INFO. */
export const WARNING_SEVERITY = 400;

export interface ConditionEvent {
  endpointUrl: string;
  /** The condition's node id on the server. */
  conditionId: string;
  /** EventId, hex. */
  eventId: string;
  name: string;
  /** The node whose condition it is: a signal's OPC UA node id. */
  sourceNode: string;
  time: Date;
  severity: number;
  message: string;
  active: boolean;
  acked: boolean;
  confirmed: boolean | null;
  retain: boolean;
  comment: string;
}

export function severityOf(opcSeverity: number): 'INFO' | 'WARNING' | 'CRITICAL' {
  return opcSeverity >= CRITICAL_SEVERITY ? 'CRITICAL' : opcSeverity >= WARNING_SEVERITY ? 'WARNING' : 'INFO';
}

interface Stored {
  id: string;
  active: boolean;
  acked: boolean;
  confirmed: boolean | null;
  severity: number;
  incidentId: string | null;
  incidentStartedAt: Date | null;
}

/** The plant events a condition's change of state gives. */
function eventsOf(e: ConditionEvent, assetId: string, before: Stored | undefined): RawEvent[] {
  const attributes = {
    conditionId: e.conditionId,
    eventId: e.eventId,
    severity: e.severity,
    active: e.active,
    acked: e.acked,
    confirmed: e.confirmed,
    source: e.sourceNode,
  };
  const event = (kind: string, code: string, severity: string, message: string) => ({ assetId, time: e.time, kind, severity, code, message, attributes });
  const found: RawEvent[] = [];
  if (e.active && (!before?.active || before.severity !== e.severity)) found.push(event('ALARM', e.name, severityOf(e.severity), e.message));
  if (!e.active && before?.active) found.push(event('LOG', `${e.name}_CLEARED`, 'INFO', e.message));
  if (e.acked && before && !before.acked) found.push(event('LOG', `${e.name}_ACKNOWLEDGED`, 'INFO', e.comment));
  if (e.confirmed && before && !before.confirmed) found.push(event('LOG', `${e.name}_CONFIRMED`, 'INFO', e.comment));
  return found;
}

/**
 * Applies condition events in order; events of a source node that is no OPC UA signal of the
 * organisation are skipped and returned.
 */
export async function applyConditionEvents(
  pool: pg.Pool,
  events: Pick<EventIngest, 'ingest'>,
  organizationId: string,
  received: readonly ConditionEvent[],
): Promise<ConditionEvent[]> {
  const skipped: ConditionEvent[] = [];
  for (const e of received) {
    const signal = await row<{ id: string; assetId: string }>(
      rawSqlOf(pool),
      `SELECT id, asset_id AS "assetId" FROM signals WHERE organization_id = $1 AND source_protocol = 'OPC_UA' AND source_address = $2`,
      organizationId,
      e.sourceNode,
    );
    if (!signal) {
      skipped.push(e);
      continue;
    }
    const before = await storedCondition(pool, organizationId, e);
    const plantEvents = eventsOf(e, signal.assetId, before);
    if (plantEvents.length > 0) await events.ingest(organizationId, plantEvents);
    await inTransaction(pool, (db, client) => recordCondition(db, client, organizationId, e, signal));
  }
  return skipped;
}

async function storedCondition(db: pg.Pool | pg.ClientBase, organizationId: string, e: ConditionEvent, lock = false): Promise<Stored | undefined> {
  const { rows } = await db.query<Stored>(
    `SELECT c.id, c.active, c.acked, c.confirmed, c.severity, c.incident_id AS "incidentId", i.started_at AS "incidentStartedAt"
       FROM alarm_conditions c LEFT JOIN incidents i ON i.organization_id = c.organization_id AND i.id = c.incident_id
      WHERE c.organization_id = $1 AND c.endpoint_url = $2 AND c.condition_id = $3 ${lock ? 'FOR UPDATE OF c' : ''}`,
    [organizationId, e.endpointUrl, e.conditionId],
  );
  return rows[0];
}

async function recordCondition(
  db: RawSql,
  client: pg.PoolClient,
  organizationId: string,
  e: ConditionEvent,
  signal: { id: string; assetId: string },
): Promise<void> {
  const before = await storedCondition(client, organizationId, e, true);
  const label = `opcua-condition:${e.name}`;
  let incidentId = before?.incidentId ?? null;
  if (e.active && e.severity >= CRITICAL_SEVERITY && !incidentId) {
    incidentId = await openIncident(
      client,
      organizationId,
      { assetId: signal.assetId, title: `alarm ${e.name}`, cause: e.message, severity: 'CRITICAL', startedAt: e.time },
      label,
    );
  } else if (!e.active && incidentId) {
    await closeIncident(client, organizationId, { id: incidentId, startedAt: before!.incidentStartedAt! }, e.time, label);
    incidentId = null;
  }
  await db.$executeRawUnsafe(
    `INSERT INTO alarm_conditions (organization_id, asset_id, signal_id, endpoint_url, condition_id, name, source_node, severity, message, active, acked, confirmed,
                                   retain, comment, last_event_id, last_event_at, incident_id)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::uuid)
     ON CONFLICT (organization_id, endpoint_url, condition_id) DO UPDATE SET asset_id = EXCLUDED.asset_id, signal_id = EXCLUDED.signal_id, name = EXCLUDED.name,
       source_node = EXCLUDED.source_node, severity = EXCLUDED.severity, message = EXCLUDED.message, active = EXCLUDED.active, acked = EXCLUDED.acked,
       confirmed = EXCLUDED.confirmed, retain = EXCLUDED.retain, comment = EXCLUDED.comment, last_event_id = EXCLUDED.last_event_id,
       last_event_at = EXCLUDED.last_event_at, incident_id = EXCLUDED.incident_id, updated_at = now(),
       acknowledgement_requested_at = CASE WHEN EXCLUDED.acked THEN NULL ELSE alarm_conditions.acknowledgement_requested_at END,
       acknowledgement_requested_by = CASE WHEN EXCLUDED.acked THEN NULL ELSE alarm_conditions.acknowledgement_requested_by END`,
    organizationId,
    signal.assetId,
    signal.id,
    e.endpointUrl,
    e.conditionId,
    e.name,
    e.sourceNode,
    Math.max(0, Math.min(1000, Math.round(e.severity))),
    e.message,
    e.active,
    e.acked,
    e.confirmed,
    e.retain,
    e.comment,
    e.eventId,
    e.time,
    incidentId,
  );
}

/**
 * Asks for a condition to be acknowledged on its server with the operator's comment: audited, and
 * sent by the alarm-acknowledgement job. CONFLICT when it is already acknowledged.
 */
export async function requestAlarmAcknowledgement(db: RawSql, organizationId: string, actor: AuditActor, id: string, comment: string): Promise<void> {
  if (comment.trim().length < 1 || comment.length > 500) throw new Refusal('comment has 1 to 500 characters: say what was seen or done.', 'comment');
  const condition = await row<{ acked: boolean; conditionId: string; eventId: string }>(
    db,
    `SELECT acked, condition_id AS "conditionId", last_event_id AS "eventId" FROM alarm_conditions WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE`,
    organizationId,
    id,
  );
  if (!condition) throw new Refusal(`Alarm condition ${id} does not exist in your organisation.`, 'id', 'NOT_FOUND');
  if (condition.acked) throw new Refusal('The condition is already acknowledged on its server.', 'id', 'CONFLICT');
  await db.$executeRawUnsafe(
    'UPDATE alarm_conditions SET acknowledgement_requested_at = now(), acknowledgement_requested_by = $3 WHERE organization_id = $1::uuid AND id = $2::uuid',
    organizationId,
    id,
    actor.label,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'alarm_condition.acknowledgement_requested',
    actor,
    subjectType: 'alarm_condition',
    subjectId: id,
    payload: { conditionId: condition.conditionId, eventId: condition.eventId, comment },
  });
  await addToOutbox(db, alarmAcknowledgementJob, {
    organizationId,
    payload: { organizationId, alarmConditionId: id, comment },
    jobId: `alarm-ack-${id}-${condition.eventId}`,
  });
}

export interface AcknowledgementTarget {
  endpointUrl: string;
  conditionId: string;
  eventId: string;
  acked: boolean;
}

export function acknowledgementTarget(db: RawSql, organizationId: string, id: string): Promise<AcknowledgementTarget | undefined> {
  return row<AcknowledgementTarget>(
    db,
    `SELECT endpoint_url AS "endpointUrl", condition_id AS "conditionId", last_event_id AS "eventId", acked FROM alarm_conditions
      WHERE organization_id = $1::uuid AND id = $2::uuid`,
    organizationId,
    id,
  );
}

/** Records that the server took the acknowledgement (its status code), audited by the system. */
export async function recordAcknowledgementSent(db: RawSql, organizationId: string, id: string, status: string): Promise<void> {
  await appendAuditEvent(db, {
    organizationId,
    type: 'alarm_condition.acknowledgement_sent',
    actor: { kind: 'SYSTEM', id: null, label: 'worker:alarm-acknowledgement' },
    subjectType: 'alarm_condition',
    subjectId: id,
    payload: { status },
  });
}

export interface AlarmConditionRow {
  id: string;
  assetId: string;
  signalId: string | null;
  endpointUrl: string;
  conditionId: string;
  name: string;
  severity: number;
  message: string;
  active: boolean;
  acked: boolean;
  confirmed: boolean | null;
  comment: string;
  lastEventAt: Date;
  incidentId: string | null;
  acknowledgementRequestedAt: Date | null;
  acknowledgementRequestedBy: string | null;
}

/** Conditions of the organisation (of one asset when given), newest change first; `open`: active or not yet acknowledged. */
export function listAlarmConditions(
  db: RawSql,
  organizationId: string,
  filter: { assetId?: string | null; open?: boolean; id?: string },
  limit = 200,
): Promise<AlarmConditionRow[]> {
  return rows<AlarmConditionRow>(
    db,
    `SELECT id, asset_id AS "assetId", signal_id AS "signalId", endpoint_url AS "endpointUrl", condition_id AS "conditionId", name, severity, message, active, acked,
            confirmed, comment, last_event_at AS "lastEventAt", incident_id AS "incidentId", acknowledgement_requested_at AS "acknowledgementRequestedAt",
            acknowledgement_requested_by AS "acknowledgementRequestedBy"
       FROM alarm_conditions
      WHERE organization_id = $1::uuid AND ($2::uuid IS NULL OR asset_id = $2::uuid) AND (NOT $3 OR active OR NOT acked) AND ($4::uuid IS NULL OR id = $4::uuid)
      ORDER BY last_event_at DESC LIMIT $5`,
    organizationId,
    filter.assetId ?? null,
    filter.open ?? false,
    filter.id ?? null,
    limit,
  );
}
