// Who may do what: sign-in, roles, API-key scopes, tenant isolation, and a walk over the schema
// proving every operation is authorised or explicitly public.
import type { GraphQLObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../scripts/test/wait-for.ts';
import { createOtherOrganization, httpRequest, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { buildThreadlineSchema, PUBLIC_OPERATIONS } from '../../schema.ts';

describe('access', () => {
  let api: ApiHarness;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    api = await startApi();
    [admin, viewer] = await Promise.all([api.login('admin@northwind.example'), api.login('viewer@northwind.example')]);
  });
  afterAll(async () => api?.close());

  it('signs in a demo user of every role and tells them what they may do', async () => {
    const expected = { VIEWER: ['read'], ENGINEER: ['operations:write', 'plant:write', 'read', 'telemetry:write'], ADMIN: null };
    for (const [email, role] of [
      ['viewer', 'VIEWER'],
      ['engineer', 'ENGINEER'],
      ['data', 'DATA_SCIENTIST'],
      ['approver', 'APPROVER'],
      ['admin', 'ADMIN'],
    ] as const) {
      const token = await api.login(`${email}@northwind.example`);
      const res = await api.gql('{ viewer { kind role permissions organization { slug } } }', {}, token);
      expect(res.data!.viewer).toMatchObject({ kind: 'USER', role, organization: { slug: 'northwind' } });
      const want = expected[role as keyof typeof expected];
      if (want) expect([...res.data!.viewer.permissions].sort()).toEqual(want);
    }
  });

  it('refuses a wrong password, a forged token and no credentials with UNAUTHENTICATED', async () => {
    const failedBefore = await api.services.db.prisma.auditEvent.count({ where: { type: 'user.sign_in_failed' } });
    const wrong = await api.gql('mutation { login(input: { email: "admin@northwind.example", password: "nope" }) { token } }');
    expect(wrong.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    // The refusal is audited after the answer: wait for it, so later tests count only their own events.
    await waitFor(
      'the failed sign-in to be audited',
      async () => (await api.services.db.prisma.auditEvent.count({ where: { type: 'user.sign_in_failed' } })) > failedBefore,
      { timeoutMs: 30_000 },
    );
    const forged = await api.gql('{ sites { totalCount } }', {}, `${admin.slice(0, -4)}AAAA`);
    expect(forged.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const anonymous = await api.gql('{ sites { totalCount } }');
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data ?? null).toBeNull();
    // The message says how to sign in with what exists: the login mutation and its token, or an API key.
    expect(anonymous.errors![0]!.message).toBe(
      'Sign in with the login mutation and send its token as Authorization: Bearer <token>, or send an API key (Authorization: Bearer tl_… or X-API-Key).',
    );
    expect((await httpRequest(api, { method: 'POST', url: '/auth/login' })).status).toBe(404);
  });

  it('lets a viewer read but not mutate, and writes nothing when refused', async () => {
    const read = await api.gql('{ assets(first: 1) { totalCount } }', {}, viewer);
    expect(read.data!.assets.totalCount).toBe(40);
    const before = await api.services.db.prisma.auditEvent.count();
    const res = await api.gql('mutation { createSite(input: { code: "V1", name: "Viewer site" }) { id } }', {}, viewer);
    expect(res.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toMatch(/VIEWER lacks plant:write/);
    expect(await api.services.db.prisma.site.count({ where: { code: 'V1' } })).toBe(0);
    expect(await api.services.db.prisma.auditEvent.count()).toBe(before);
  });

  it('keeps an API key inside its scopes and stops it once revoked', async () => {
    const created = await api.gql(
      'mutation { createApiKey(input: { name: "line gateway", scopes: ["read"] }) { token apiKey { id prefix scopes } } }',
      {},
      admin,
    );
    const { token, apiKey } = created.data!.createApiKey;
    expect(token).toMatch(/^tl_[0-9a-f]{12}_/);
    // The whole secret (it may itself hold '_'), never stored as it is.
    const secret = token.slice('tl_'.length + 12 + 1);
    expect(await api.services.db.prisma.apiKey.count({ where: { secretHash: { contains: secret } } })).toBe(0);
    const read = await api.gql('{ viewer { kind label permissions } sites { totalCount } }', {}, token);
    expect(read.data!.viewer).toEqual({ kind: 'API_KEY', label: 'api-key:line gateway', permissions: ['read'] });
    const write = await api.gql('mutation { createSite(input: { code: "K1", name: "Key site" }) { id } }', {}, token);
    expect(write.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const keys = await api.gql('{ apiKeys { totalCount } }', {}, token);
    expect(keys.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    await api.gql('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id }, admin);
    const after = await api.gql('{ sites { totalCount } }', {}, token);
    expect(after.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toMatch(/revoked/);
  });

  it('refuses an API-key scope that does not exist', async () => {
    const res = await api.gql('mutation { createApiKey(input: { name: "bad", scopes: ["root"] }) { token } }', {}, admin);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/each scope must be one of/);
  });

  describe('between organisations', () => {
    let other: { organizationId: string; token: string };
    let northwindSite: string;
    let northwindAsset: string;

    beforeAll(async () => {
      other = await createOtherOrganization(api, 'contoso');
      northwindSite = (await api.services.db.prisma.site.findFirstOrThrow({ where: { code: 'LEJ' } })).id;
      northwindAsset = (await api.services.db.prisma.asset.findFirstOrThrow({})).id;
    });

    it("shows a user nothing of another organisation's rows", async () => {
      const lists = await api.gql(
        '{ sites { totalCount } assets { totalCount } useCases { totalCount } users { totalCount } auditEvents { totalCount nodes { type } } }',
        {},
        other.token,
      );
      expect(lists.data).toMatchObject({ sites: { totalCount: 0 }, assets: { totalCount: 0 }, useCases: { totalCount: 0 }, users: { totalCount: 1 } });
      expect(lists.data!.auditEvents.nodes.map((n: { type: string }) => n.type)).toEqual(['user.signed_in']);
      const single = await api.gql('query($id: ID!) { site(id: $id) { name } }', { id: northwindSite }, other.token);
      expect(single.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    });

    it("changes nothing of another organisation's rows, and links nothing to them", async () => {
      const update = await api.gql('mutation($id: ID!) { updateSite(id: $id, input: { name: "Stolen" }) { name } }', { id: northwindSite }, other.token);
      expect(update.errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await api.services.db.prisma.site.findUniqueOrThrow({ where: { id: northwindSite } })).name).toBe('Leipzig machining plant');

      const line = await api.gql(
        'mutation($s: ID!) { createLine(input: { siteId: $s, code: "X1", name: "Foreign line" }) { id } }',
        { s: northwindSite },
        other.token,
      );
      expect(line.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');

      const site = (await api.gql('mutation { createSite(input: { code: "C1", name: "Contoso 1" }) { id } }', {}, other.token)).data!.createSite.id;
      const typeId = (await api.gql('mutation { createAssetType(input: { name: "Pump" }) { id } }', {}, other.token)).data!.createAssetType.id;
      const lineId = (await api.gql('mutation($s: ID!) { createLine(input: { siteId: $s, code: "C1-L1", name: "L" }) { id } }', { s: site }, other.token)).data!
        .createLine.id;
      const child = await api.gql(
        'mutation($i: AssetInput!) { createAsset(input: $i) { id } }',
        { i: { lineId, assetTypeId: typeId, parentId: northwindAsset, code: 'P1', name: 'Pump 1' } },
        other.token,
      );
      expect(child.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(await api.services.db.prisma.asset.count({ where: { organizationId: other.organizationId } })).toBe(0);
    });

    it("verifies only the caller's own audit chain", async () => {
      const res = await api.gql('{ verifyAuditChain { ok eventsChecked } }', {}, other.token);
      expect(res.data!.verifyAuditChain.ok).toBe(true);
      const own = await api.services.db.prisma.auditEvent.count({ where: { organizationId: other.organizationId } });
      expect(res.data!.verifyAuditChain.eventsChecked).toBe(own);
    });
  });
});

describe('schema', () => {
  it('has every query and mutation @Authorized or listed as public', async () => {
    const schema = await buildThreadlineSchema();
    const storage = getMetadataStorage();
    const guarded = (target: object, method: string) => storage.authorizedFields.some((f) => f.target === target && f.fieldName === method);
    const resolvers = new Map<string, (typeof storage.queries)[number]>([
      ...storage.queries.map((q) => [`Query.${q.schemaName}`, q] as const),
      ...storage.mutations.map((m) => [`Mutation.${m.schemaName}`, m] as const),
    ]);
    const operations = (['Query', 'Mutation'] as const).flatMap((root) =>
      Object.keys((schema.getType(root) as GraphQLObjectType).getFields()).map((f) => `${root}.${f}`),
    );
    expect(operations.length).toBeGreaterThan(100);
    const unguarded = operations.filter((op) => {
      const resolver = resolvers.get(op);
      return !PUBLIC_OPERATIONS.has(op) && !(resolver && guarded(resolver.target, resolver.methodName));
    });
    expect([...PUBLIC_OPERATIONS].filter((op) => !operations.includes(op))).toEqual([]);
    expect(unguarded).toEqual([]);
  });
});
