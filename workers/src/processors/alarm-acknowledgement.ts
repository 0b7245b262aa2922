// Carries an operator's acknowledgement to the OPC UA server: calls the condition's Acknowledge
// method with the last event's id and the comment, then audits that the server took it. Already
// acknowledged (here or on the server): done. Any other refusal throws, so the queue retries with
// the condition's latest event id, which the event subscription keeps current.
import type pg from 'pg';
import { MessageSecurityMode, OPCUAClient, SecurityPolicy, StatusCodes, coerceNodeId } from 'node-opcua-client';
import { acknowledgementTarget, recordAcknowledgementSent } from '@threadline/db/telemetry/alarm-conditions';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';

export async function runAlarmAcknowledgement(pool: pg.Pool, payload: { organizationId: string; alarmConditionId: string; comment: string }): Promise<string> {
  const target = await acknowledgementTarget(rawSqlOf(pool), payload.organizationId, payload.alarmConditionId);
  if (!target) return 'condition gone';
  if (target.acked) return 'already acknowledged';
  const client = OPCUAClient.create({
    applicationName: 'Threadline alarm acknowledgement',
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 2, initialDelay: 500, maxDelay: 2_000 },
  });
  await client.connect(target.endpointUrl);
  try {
    const session = await client.createSession();
    try {
      const status = await session.acknowledgeCondition(coerceNodeId(target.conditionId), Buffer.from(target.eventId, 'hex'), payload.comment);
      if (!status.isGood() && status.value !== StatusCodes.BadConditionBranchAlreadyAcked.value) {
        throw new Error(`the OPC UA server refused the acknowledgement of ${target.conditionId}: ${status.toString()}`);
      }
      await inTransaction(pool, (db) => recordAcknowledgementSent(db, payload.organizationId, payload.alarmConditionId, status.name));
      return status.name;
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
  }
}
