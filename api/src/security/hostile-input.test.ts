// Hostile input on the ingest paths and on mutations (fast-check): whatever the body, the answer is
// a 2xx or a 4xx with a code, never a 5xx, and the server stays up; in a batch mixing good and bad
// points exactly the good ones are stored (once, even when the batch is sent twice) and each bad
// one is reported with its index; strings of any content and size in a mutation are stored
// verbatim or refused with BAD_USER_INPUT.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';

describe('hostile input', () => {
  let api: ApiHarness;
  let key: string;
  let engineer: string;
  let signalId: string;

  beforeAll(async () => {
    // Hundreds of requests with one key: its rate budget is not what this test is about.
    api = await startApi({ API_KEY_RATE_PER_SECOND: '100000', API_KEY_BURST: '100000' });
    const admin = await api.login('admin@northwind.example');
    engineer = await api.login('engineer@northwind.example');
    key = (await api.gql('mutation { createApiKey(input: { name: "fuzz", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey.token;
    signalId = (await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'power', asset: { code: 'LEJ-L1-CMP01' } } })).id;
  });
  afterAll(async () => api?.close());

  const post = (url: string, payload: string, contentType = 'application/json') =>
    api.app.inject({ method: 'POST', url, headers: { 'content-type': contentType, 'x-api-key': key }, payload });

  it('answers any body on the ingest routes with 2xx or a coded 4xx, never 5xx', async () => {
    const bodies = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .array(
          fc.record(
            {
              signalId: fc.oneof(fc.uuid(), fc.string(), fc.constant(null)),
              time: fc.oneof(fc.date({ noInvalidDate: false }).map(String), fc.integer(), fc.string()),
              value: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
              quality: fc.oneof(fc.string(), fc.constant('GOOD')),
            },
            { requiredKeys: [] },
          ),
        )
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 2_000 }),
      fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/ingest/telemetry', '/ingest/events'),
        bodies,
        fc.constantFrom('application/json', 'application/x-ndjson'),
        async (url, body, type) => {
          const res = await post(url, body, type);
          expect(res.statusCode, `${url} ${type} ${body.slice(0, 120)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
    expect((await api.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('stores exactly the good points of a mixed batch, once, and reports each bad one by index', async () => {
    const base = Date.now() - 3 * 3_600_000;
    const bad = fc.oneof(
      fc.record({ signalId: fc.constant('not-a-uuid'), time: fc.constant(new Date(base).toISOString()), value: fc.constant(1) }),
      fc.record({ signalId: fc.constant(signalId), time: fc.constant('yesterday-ish'), value: fc.constant(1) }),
      fc.record({ signalId: fc.constant(signalId), time: fc.constant(new Date(base).toISOString()), value: fc.constant('12') }),
      fc.record({ signalId: fc.constant(signalId), time: fc.constant(new Date(base).toISOString()), value: fc.constant(1), quality: fc.constant('SHINY') }),
      fc.record({ signalId: fc.constant(signalId), time: fc.constant(new Date(Date.now() + 86_400_000).toISOString()), value: fc.constant(1) }),
    );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((value) => ({ good: true as const, value })),
            bad.map((point) => ({ good: false as const, point })),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        async (items) => {
          round += 1;
          const start = base + round * 60_000;
          const points = items.map((item, i) => (item.good ? { signalId, time: new Date(start + i * 100).toISOString(), value: item.value } : item.point));
          for (let send = 0; send < 2; send += 1) {
            const res = await post('/ingest/telemetry', JSON.stringify({ points }));
            expect(res.statusCode).toBe(200);
            const result = res.json() as { accepted: number; rejected: { index: number; reason: string }[] };
            expect(result.rejected.map((r) => r.index)).toEqual(items.flatMap((item, i) => (item.good ? [] : [i])));
          }
          const {
            rows: [stored],
          } = await api.services.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM telemetry WHERE signal_id = $1 AND time >= $2 AND time < $3', [
            signalId,
            new Date(start),
            new Date(start + 60_000),
          ]);
          expect(stored!.n).toBe(items.filter((item) => item.good).length);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });

  it('stores strings of any content verbatim or refuses them with BAD_USER_INPUT', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ minLength: 1_000, maxLength: 20_000 }),
      fc.constantFrom('', ' ', '\u0000', '<script>alert(1)</script>', "'; DROP TABLE sites; --", '=cmd|calc'),
    );
    await fc.assert(
      fc.asyncProperty(text, text, async (code, name) => {
        const before = await api.services.db.prisma.site.count();
        const res = await api.gql('mutation($i: SiteInput!) { createSite(input: $i) { id code name } }', { i: { code, name } }, engineer);
        if (res.errors) {
          expect(res.errors[0]!.extensions!.code, res.errors[0]!.message).toMatch(/^(BAD_USER_INPUT|CONFLICT|FORBIDDEN)$/);
          expect(await api.services.db.prisma.site.count()).toBe(before);
        } else {
          expect(res.data!.createSite).toMatchObject({ code, name });
        }
      }),
      { numRuns: 120, seed: 13 },
    );
  });

  it('refuses a NUL character anywhere in an operation with BAD_USER_INPUT naming where', async () => {
    const before = await api.services.db.prisma.site.count();
    const inVariable = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${engineer}` },
      payload: JSON.stringify({ query: 'mutation($i: SiteInput!) { createSite(input: $i) { id } }', variables: { i: { code: 'NUL-1', name: 'a\u0000b' } } }),
    });
    expect(inVariable.statusCode).toBe(400);
    expect(inVariable.json().errors[0]).toMatchObject({
      message: 'The variable i.name holds a NUL character (U+0000), which cannot be stored; remove it.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const inLiteral = await api.gql('mutation { createSite(input: { code: "NUL-2", name: "a\\u0000b" }) { id } }', {}, engineer);
    expect(inLiteral.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(await api.services.db.prisma.site.count()).toBe(before);
  });

  it('refuses to clear a field that must keep a value, naming it, and changes nothing', async () => {
    const admin = await api.login('admin@northwind.example');
    const member = await api.services.db.prisma.squadMember.findFirstOrThrow();
    const res = await api.gql(
      'mutation($id: ID!, $i: SquadMemberUpdate!) { updateSquadMember(id: $id, input: $i) { id } }',
      { id: member.id, i: { allocationPct: null } },
      admin,
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'allocationPct' } });
    expect(res.errors![0]!.message).toBe('allocationPct cannot be cleared: give a value, or leave the field out to keep it.');
    expect(await api.services.db.prisma.squadMember.findUniqueOrThrow({ where: { id: member.id } })).toEqual(member);
  });
});
