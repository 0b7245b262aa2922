// Telemetry ingest through GraphQL and HTTP bulk: exactly what was sent is stored once, resends
// are counted as duplicates, bad points are reported by index while the good ones are kept, and
// values outside the normal range are kept and flagged.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtherOrganization, httpRequest, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const INGEST = 'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted duplicates rejected { index reason } } }';
const READ = 'query($r: TelemetryRange!) { telemetry(range: $r) { time value quality } }';

describe('telemetry ingest', () => {
  let api: ApiHarness;
  let engineer: string;
  let vibration: string;
  let keys: { write: string; read: string };
  const base = Date.now() - 3_600_000;
  const at = (s: number) => new Date(base + s * 1000).toISOString();

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
    const admin = await api.login('admin@northwind.example');
    vibration = (await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'spindle_vibration', asset: { code: 'LEJ-L1-CNC01' } } })).id;
    const key = async (scopes: string[]) =>
      (await api.gql('mutation($s: [String!]!) { createApiKey(input: { name: "gw", scopes: $s }) { token } }', { s: scopes }, admin)).data!.createApiKey
        .token as string;
    keys = { write: await key(['telemetry:write']), read: await key(['read']) };
  });
  afterAll(async () => api?.close());

  const read = async (from: number, to: number) =>
    (await api.gql(READ, { r: { signalId: vibration, from: at(from), to: at(to) } }, engineer)).data!.telemetry as {
      time: string;
      value: number | null;
      quality: string;
    }[];

  it('stores a GraphQL batch exactly, and a resend as duplicates only', async () => {
    const points = [0, 1, 2].map((s) => ({ signalId: vibration, time: at(s), value: 2 + s / 10 }));
    expect((await api.gql(INGEST, { p: points }, engineer)).data!.ingestTelemetry).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect((await api.gql(INGEST, { p: [...points].reverse() }, engineer)).data!.ingestTelemetry).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    expect(await read(0, 3)).toEqual([
      { time: at(0), value: 2, quality: 'GOOD' },
      { time: at(1), value: 2.1, quality: 'GOOD' },
      { time: at(2), value: 2.2, quality: 'GOOD' },
    ]);
  });

  it('reports each bad point with its index and reason and keeps the rest, flagging values outside the range', async () => {
    const res = await api.gql(
      INGEST,
      {
        p: [
          { signalId: vibration, time: at(10), value: 3.3 },
          { signalId: '3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e', time: at(11), value: 1 },
          { signalId: vibration, time: 'yesterday', value: 1 },
          { signalId: vibration, time: at(12), value: 9.5 },
          { signalId: vibration, time: new Date(Date.now() + 3_600_000).toISOString(), value: 1 },
          { signalId: vibration, time: at(13), value: null },
          { signalId: 'nope', time: at(14), value: 1 },
          // Times that new Date() would guess at: a day that does not exist, a bare number, free text, no offset.
          { signalId: vibration, time: '2026-02-30T10:00:00Z', value: 1 },
          { signalId: vibration, time: '12', value: 1 },
          { signalId: vibration, time: 'Nov 30 2026 4:00 PM', value: 1 },
          { signalId: vibration, time: '2026-11-30T16:00:00', value: 1 },
        ],
      },
      engineer,
    );
    expect(res.data!.ingestTelemetry).toEqual({
      accepted: 3,
      duplicates: 0,
      rejected: [
        { index: 1, reason: 'unknown signal 3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e' },
        { index: 2, reason: 'time must be an RFC 3339 timestamp with its offset, such as 2026-11-23T08:00:00Z, or epoch milliseconds' },
        { index: 4, reason: 'time is more than 5 minutes in the future; check the device clock' },
        { index: 6, reason: 'signalId must be a UUID' },
        { index: 7, reason: 'time must be an RFC 3339 timestamp with its offset, such as 2026-11-23T08:00:00Z, or epoch milliseconds' },
        { index: 8, reason: 'time must be an RFC 3339 timestamp with its offset, such as 2026-11-23T08:00:00Z, or epoch milliseconds' },
        { index: 9, reason: 'time must be an RFC 3339 timestamp with its offset, such as 2026-11-23T08:00:00Z, or epoch milliseconds' },
        { index: 10, reason: 'time must be an RFC 3339 timestamp with its offset, such as 2026-11-23T08:00:00Z, or epoch milliseconds' },
      ],
    });
    expect(await read(10, 14)).toEqual([
      { time: at(10), value: 3.3, quality: 'GOOD' },
      { time: at(12), value: 9.5, quality: 'OUT_OF_RANGE' },
      { time: at(13), value: null, quality: 'BAD' },
    ]);
  });

  it('accepts late and out-of-order points', async () => {
    const res = await api.gql(
      INGEST,
      {
        p: [
          { signalId: vibration, time: at(22), value: 1 },
          { signalId: vibration, time: at(20), value: 1 },
          { signalId: vibration, time: at(-86_400 * 40), value: 1 },
        ],
      },
      engineer,
    );
    expect(res.data!.ingestTelemetry).toMatchObject({ accepted: 3, duplicates: 0 });
  });

  it('refuses a viewer, and tells an integrator the GraphQL batch limit', async () => {
    const viewer = await api.login('viewer@northwind.example');
    expect((await api.gql(INGEST, { p: [] }, viewer)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const big = Array.from({ length: 10_001 }, (_, i) => ({ signalId: vibration, time: at(100 + i), value: 1 }));
    const res = await api.gql(INGEST, { p: big }, engineer);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/at most 10000 points/);
  });

  it('takes JSON over HTTP with an API key, and answers like GraphQL', async () => {
    const points = [30, 31].map((s) => ({ signalId: vibration, time: at(s), value: 4 }));
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { authorization: `Bearer ${keys.write}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ points }),
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  });

  it('takes gzip-compressed NDJSON over HTTP', async () => {
    const body = [40, 41, 42].map((s) => JSON.stringify({ signalId: vibration, time: at(s), value: 5 })).join('\n');
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': keys.write, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      payload: gzipSync(body),
    });
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect((await read(40, 43)).map((p) => p.value)).toEqual([5, 5, 5]);
  });

  it('answers malformed bodies and missing rights with 4xx and a reason, storing nothing', async () => {
    const ndjson = [JSON.stringify({ signalId: vibration, time: at(50), value: 1 }), '{oops'].join('\n');
    const bad = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': keys.write, 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', message: 'Line 2 is not valid JSON; each line must be one object.' } });
    expect(await read(50, 51)).toEqual([]);

    const notGzip = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': keys.write, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: '[]',
    });
    expect(notGzip.status).toBe(400);
    expect(notGzip.json().error.message).toMatch(/not valid gzip/);

    const tooMany = JSON.stringify(Array.from({ length: 50_001 }, () => ({ signalId: vibration, time: at(70), value: 1 })));
    const big = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': keys.write, 'content-type': 'application/json' },
      payload: tooMany,
    });
    expect(big.status).toBe(413);
    expect(big.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'A batch may hold at most 50000 points; split it.' });
    expect(await read(70, 71)).toEqual([]);

    const shape = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': keys.write, 'content-type': 'application/json' },
      payload: '{"readings": []}',
    });
    expect(shape.status).toBe(400);
    const readOnly = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': keys.read, 'content-type': 'application/json' },
      payload: '[]',
    });
    expect(readOnly.status).toBe(403);
    const anonymous = await httpRequest(api, { method: 'POST', url: '/ingest/telemetry', headers: { 'content-type': 'application/json' }, payload: '[]' });
    expect(anonymous.status).toBe(401);
  });

  it('pages through raw points with a cursor, each point once', async () => {
    const points = [80, 81, 82, 83, 84].map((s) => ({ signalId: vibration, time: at(s), value: s }));
    await api.gql(INGEST, { p: points }, engineer);
    const PAGE =
      'query($r: TelemetryPageRange!, $after: String) { telemetryPage(range: $r, first: 2, after: $after) { nodes { value } pageInfo { hasNextPage endCursor } } }';
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page: { nodes: { value: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = (
        await api.gql(PAGE, { r: { signalId: vibration, from: at(80), to: at(90) }, after }, engineer)
      ).data!.telemetryPage;
      seen.push(...page.nodes.map((n) => n.value));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([80, 81, 82, 83, 84]);
    const crafted = await api.gql(PAGE, { r: { signalId: vibration, from: at(80), to: at(90) }, after: 'page-2' }, engineer);
    expect(crafted.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
  });

  it("refuses another organisation's signals as unknown", async () => {
    const other = await createOtherOrganization(api, 'fabrikam');
    await api.services.db.prisma.user.updateMany({ where: { organizationId: other.organizationId }, data: { role: 'ENGINEER' } });
    const res = await api.gql(INGEST, { p: [{ signalId: vibration, time: at(60), value: 1 }] }, other.token);
    expect(res.data!.ingestTelemetry).toEqual({ accepted: 0, duplicates: 0, rejected: [{ index: 0, reason: `unknown signal ${vibration}` }] });
  });
});
