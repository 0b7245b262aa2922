// OPC UA Alarms & Conditions end to end, against the simulator's real node-opcua server: a
// critical condition raised on the server becomes a condition, an ALARM plant event and an open
// incident; an operator's acknowledgement through the API is audited, queued through the outbox
// and reaches the server's Acknowledge method with its comment, whose event comes back as
// acknowledged; clearing closes the incident; a warning opens none; a restart's ConditionRefresh
// repeats nothing.
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@threadline/db/client';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { waitFor, waitForValue } from '../../../scripts/test/wait-for.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { SimulatorOpcUaServer } from '../simulator/opcua-server.ts';
import { runAlarmAcknowledgement } from '../processors/alarm-acknowledgement.ts';
import { OpcUaAdapter } from './opcua-adapter.ts';

const VIBRATION = 'ns=1;s=LEJ-L1-CNC01.spindle_vibration';
const TEMPERATURE = 'ns=1;s=LEJ-L1-CNC02.spindle_temperature';

describe('OPC UA Alarms & Conditions', () => {
  let api: ApiHarness;
  let pool: pg.Pool;
  let server: SimulatorOpcUaServer;
  let adapter: OpcUaAdapter;
  let organizationId: string;
  let engineer: string;

  const startAdapter = async () => {
    const next = new OpcUaAdapter({
      endpointUrl: server.endpointUrl,
      organizationId,
      pool,
      ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
      events: new EventIngest(pool),
      log: pino({ level: 'silent' }),
      samplingIntervalMs: 50,
      flushMs: 20,
    });
    await next.start();
    return next;
  };
  const plantEvents = async (asset: string) =>
    (
      await pool.query(
        `SELECT e.kind, e.severity, e.code, e.message FROM plant_events e JOIN assets a ON a.id = e.asset_id WHERE a.code = $1 ORDER BY e.time, e.received_at, e.code`,
        [asset],
      )
    ).rows as { kind: string; severity: string; code: string; message: string }[];
  const condition = async (name: string) =>
    (await pool.query('SELECT id, active, acked, severity, incident_id, comment FROM alarm_conditions WHERE name = $1', [name])).rows[0] as
      { id: string; active: boolean; acked: boolean; severity: number; incident_id: string | null; comment: string } | undefined;

  beforeAll(async () => {
    api = await startApi();
    pool = createPool({ url: api.database.url, role: 'threadline_app' });
    organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    engineer = await api.login('engineer@northwind.example');
    server = new SimulatorOpcUaServer(20_000 + Math.floor(Math.random() * 20_000));
    await server.start(await loadPlantSignals(pool, organizationId));
    adapter = await startAdapter();
  }, 120_000);
  afterAll(async () => {
    await adapter?.stop();
    await server?.stop();
    await pool?.end();
    await api?.close();
  });

  it('turns a critical condition raised on the server into a condition, an ALARM event and an open incident', async () => {
    server.raiseAlarm(VIBRATION, 800, 'spindle_vibration 9.8 above its limit 7.1', new Date(Date.now() - 5_000));
    const raised = await waitForValue(
      'the condition to be recorded',
      () => condition('SPINDLE_VIBRATION_HIGH'),
      (c) => c?.active === true,
      { timeoutMs: 60_000 },
    );
    expect(raised).toMatchObject({ active: true, acked: false, severity: 800 });
    expect(raised!.incident_id).not.toBeNull();
    expect(await plantEvents('LEJ-L1-CNC01')).toEqual([
      { kind: 'ALARM', severity: 'CRITICAL', code: 'SPINDLE_VIBRATION_HIGH', message: 'spindle_vibration 9.8 above its limit 7.1' },
    ]);
    const incident = (await pool.query('SELECT title, ended_at, severity FROM incidents WHERE id = $1', [raised!.incident_id])).rows[0];
    expect(incident).toMatchObject({ ended_at: null, severity: 'CRITICAL' });
    expect(incident.title).toMatch(/ alarm SPINDLE_VIBRATION_HIGH$/);

    const listed = await api.gql('{ alarmConditions { name level active acked incidentId } }', {}, engineer);
    expect(listed.data!.alarmConditions).toEqual([
      { name: 'SPINDLE_VIBRATION_HIGH', level: 'CRITICAL', active: true, acked: false, incidentId: raised!.incident_id },
    ]);
  });

  it("carries an operator's acknowledgement from the API to the server's Acknowledge method, with the comment", async () => {
    const { id } = (await condition('SPINDLE_VIBRATION_HIGH'))!;
    const ACK = 'mutation($i: AcknowledgeAlarmInput!) { acknowledgeAlarm(input: $i) { acked acknowledgementRequestedAt acknowledgementRequestedBy } }';
    const asked = await api.gql(ACK, { i: { id, comment: 'Bearing checked, lubricated' } }, engineer);
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.acknowledgeAlarm).toMatchObject({ acked: false, acknowledgementRequestedBy: 'engineer@northwind.example' });
    const audit = await api.services.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'alarm_condition.acknowledgement_requested', subjectId: id } });
    expect(audit.payload).toMatchObject({ comment: 'Bearing checked, lubricated', conditionId: `${VIBRATION}.SPINDLE_VIBRATION_HIGH` });

    // The outbox holds the job the workers' relay queues; its handler calls the server.
    const job = (await pool.query("SELECT payload FROM outbox WHERE job_name = 'alarm-acknowledgement'")).rows[0].payload;
    expect(await runAlarmAcknowledgement(pool, job)).toBe('Good');
    expect(server.conditionState(VIBRATION)).toMatchObject({ active: true, acked: true, comment: 'Bearing checked, lubricated' });
    const acked = await waitForValue(
      'the server to report it acknowledged',
      () => condition('SPINDLE_VIBRATION_HIGH'),
      (c) => c?.acked === true,
      { timeoutMs: 60_000 },
    );
    expect(acked!.comment).toBe('Bearing checked, lubricated');
    expect((await plantEvents('LEJ-L1-CNC01')).at(-1)).toEqual({
      kind: 'LOG',
      severity: 'INFO',
      code: 'SPINDLE_VIBRATION_HIGH_ACKNOWLEDGED',
      message: 'Bearing checked, lubricated',
    });
    expect(await api.services.db.prisma.auditEvent.count({ where: { type: 'alarm_condition.acknowledgement_sent', subjectId: id } })).toBe(1);
    const again = await api.gql(ACK, { i: { id, comment: 'again' } }, engineer);
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
  });

  it('closes the incident when the condition clears; a warning opens none; a restart repeats nothing', async () => {
    const { incident_id: incidentId } = (await condition('SPINDLE_VIBRATION_HIGH'))!;
    server.clearAlarm(VIBRATION, 'spindle_vibration back within its limit', new Date());
    await waitFor('the condition to clear', async () => (await condition('SPINDLE_VIBRATION_HIGH'))?.active === false, { timeoutMs: 60_000 });
    const closed = (await pool.query('SELECT ended_at, downtime_minutes FROM incidents WHERE id = $1', [incidentId])).rows[0];
    expect(closed.ended_at).not.toBeNull();
    expect((await plantEvents('LEJ-L1-CNC01')).map((e) => e.code)).toEqual([
      'SPINDLE_VIBRATION_HIGH',
      'SPINDLE_VIBRATION_HIGH_ACKNOWLEDGED',
      'SPINDLE_VIBRATION_HIGH_CLEARED',
    ]);

    server.raiseAlarm(TEMPERATURE, 500, 'spindle_temperature 66 above its limit 65', new Date());
    const warning = await waitForValue(
      'the warning',
      () => condition('SPINDLE_TEMPERATURE_HIGH'),
      (c) => c?.active === true,
      { timeoutMs: 60_000 },
    );
    expect(warning!.incident_id).toBeNull();
    expect(await plantEvents('LEJ-L1-CNC02')).toEqual([
      { kind: 'ALARM', severity: 'WARNING', code: 'SPINDLE_TEMPERATURE_HIGH', message: 'spindle_temperature 66 above its limit 65' },
    ]);

    const before = (await pool.query('SELECT count(*)::int AS n FROM plant_events')).rows[0].n;
    await adapter.stop();
    adapter = await startAdapter();
    await waitFor('the refresh to be applied', () => adapter.stats.conditions >= 1, { timeoutMs: 60_000 });
    expect((await pool.query('SELECT count(*)::int AS n FROM plant_events')).rows[0].n).toBe(before);
  });
});
