// Plant events through GraphQL and HTTP bulk: stored once per (asset, time, kind, code), each bad
// event reported with its index and reason, and listed by asset, severity and time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const INGEST = 'mutation($e: [PlantEventInput!]!) { ingestEvents(events: $e) { accepted duplicates rejected { index reason } } }';

describe('plant events', () => {
  let api: ApiHarness;
  let token: string;
  let assetId: string;
  const at = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('engineer@northwind.example');
    assetId = (await api.services.db.prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-CNC02' } })).id;
  });
  afterAll(async () => api?.close());

  it('stores events once and reports the bad ones by index', async () => {
    const events = [
      {
        assetId,
        time: at(1),
        kind: 'ALARM',
        severity: 'CRITICAL',
        code: 'VIBRATION_HIGH',
        message: 'Spindle vibration 9.8 mm/s',
        attributes: { value: 9.8, unit: 'mm/s' },
      },
      { assetId, time: at(2), kind: 'STATE_CHANGE', severity: 'WARNING', code: 'STOPPED' },
      { assetId, time: 'soon', kind: 'LOG', code: 'X' },
      { assetId: '3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e', time: at(3), kind: 'LOG', code: 'X' },
      { assetId, time: at(4), kind: 'LOG', code: '' },
    ];
    expect((await api.gql(INGEST, { e: events }, token)).data!.ingestEvents).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 2, reason: 'time must be an RFC 3339 timestamp with its offset, such as 2026-11-23T08:00:00Z, or epoch milliseconds' },
        { index: 3, reason: 'unknown asset 3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e' },
        { index: 4, reason: 'code must be 1-120 characters' },
      ],
    });
    expect((await api.gql(INGEST, { e: events.slice(0, 2) }, token)).data!.ingestEvents).toMatchObject({ accepted: 0, duplicates: 2 });
  });

  it('takes NDJSON over HTTP', async () => {
    const admin = await api.login('admin@northwind.example');
    const key = (await api.gql('mutation { createApiKey(input: { name: "gw", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey.token;
    const body = [{ assetId, time: at(10), kind: 'STATE_CHANGE', severity: 'INFO', code: 'RUNNING' }].map((e) => JSON.stringify(e)).join('\n');
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/events',
      headers: { 'x-api-key': key, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });

  it('lists events by asset and severity, newest first', async () => {
    const res = await api.gql(
      'query($a: ID!) { all: plantEvents(filter: { assetId: $a }, order: DESC) { nodes { code severity asset { code } } } critical: plantEvents(filter: { severity: CRITICAL }) { nodes { code attributes } } }',
      { a: assetId },
      token,
    );
    expect(res.data!.all.nodes).toEqual([
      { code: 'RUNNING', severity: 'INFO', asset: { code: 'LEJ-L1-CNC02' } },
      { code: 'STOPPED', severity: 'WARNING', asset: { code: 'LEJ-L1-CNC02' } },
      { code: 'VIBRATION_HIGH', severity: 'CRITICAL', asset: { code: 'LEJ-L1-CNC02' } },
    ]);
    expect(res.data!.critical.nodes).toEqual([{ code: 'VIBRATION_HIGH', attributes: { value: 9.8, unit: 'mm/s' } }]);
  });

  it('refuses by index what PostgreSQL jsonb cannot hold, and stores the good events of the batch', async () => {
    const admin = await api.login('admin@northwind.example');
    const key = (await api.gql('mutation { createApiKey(input: { name: "gw-unicode", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey
      .token;
    const events = [
      { assetId, time: at(20), kind: 'LOG', code: 'GOOD-1' },
      { assetId, time: at(21), kind: 'LOG', code: 'LONE', attributes: { note: 'bad \ud800 text' } },
      { assetId, time: at(22), kind: 'LOG', code: 'DEEP', attributes: 'DEEP' },
      { assetId, time: at(23), kind: 'LOG', code: 'KEY', attributes: { ['\udc00']: 1 } },
      { assetId, time: at(24), kind: 'LOG', code: 'MESSAGE', message: 'half a pair \ud83d' },
      { assetId, time: at(25), kind: 'LOG', code: 'GOOD-2', attributes: { emoji: '\ud83d\ude00' } },
    ];
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/events',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      // Attributes nested 5,000 deep, written as text (too deep for JSON.stringify here).
      payload: JSON.stringify(events).replace('"DEEP"}', `${'{"d":'.repeat(5_000)}{"leaf":1}${'}'.repeat(5_000)}}`),
    });
    expect(res.status).toBe(200);
    const unicode = 'attributes must be valid Unicode text (a lone surrogate such as \\ud800 is not)';
    expect(res.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 1, reason: unicode },
        { index: 2, reason: 'attributes must nest at most 32 levels deep' },
        { index: 3, reason: unicode },
        { index: 4, reason: 'message must be text of at most 4000 characters' },
      ],
    });
  });
});

describe('incidents from plant state changes', () => {
  let api: ApiHarness;
  let token: string;
  let assetId: string;
  const t0 = Date.now() - 3_600_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('engineer@northwind.example');
    assetId = (await api.services.db.prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-CNC03' } })).id;
  });
  afterAll(async () => api?.close());

  it('opens an incident on STOPPED and closes it with its downtime on RUNNING, once, on the audit trail', async () => {
    const stop = { assetId, time: at(0), kind: 'STATE_CHANGE', severity: 'CRITICAL', code: 'STOPPED', message: 'Spindle bearing seized' };
    const run = { assetId, time: at(42), kind: 'STATE_CHANGE', severity: 'INFO', code: 'RUNNING' };
    expect((await api.gql(INGEST, { e: [stop] }, token)).data!.ingestEvents.accepted).toBe(1);
    expect((await api.gql(INGEST, { e: [stop, run] }, token)).data!.ingestEvents).toMatchObject({ accepted: 1, duplicates: 1 });
    await api.gql(INGEST, { e: [run] }, token);
    const res = await api.gql(
      'query($a: ID!) { incidents(filter: { assetId: $a }) { nodes { title cause severity startedAt endedAt downtimeMinutes aiRelated } } }',
      { a: assetId },
      token,
    );
    expect(res.data!.incidents.nodes).toEqual([
      {
        title: 'CNC machining centre 3 (LEJ-L1) stopped',
        cause: 'Spindle bearing seized',
        severity: 'CRITICAL',
        startedAt: at(0),
        endedAt: at(42),
        downtimeMinutes: 42,
        aiRelated: false,
      },
    ]);
    const audit = await api.gql('{ auditEvents(filter: { subjectType: "incident" }) { nodes { type actorKind actorLabel } } }', {}, token);
    expect(audit.data!.auditEvents.nodes).toEqual([
      { type: 'incident.created', actorKind: 'SYSTEM', actorLabel: 'plant-event:STOPPED' },
      { type: 'incident.updated', actorKind: 'SYSTEM', actorLabel: 'plant-event:RUNNING' },
    ]);
    expect((await api.gql('{ verifyAuditChain { ok } }', {}, token)).data!.verifyAuditChain.ok).toBe(true);
  });
});
