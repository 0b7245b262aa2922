// The plant through the API: validated, coded errors that write nothing; the asset tree stays a
// tree; pages stay stable while rows arrive; nested queries cost a bounded number of statements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

describe('plant', () => {
  let api: ApiHarness;
  let engineer: string;
  let ids: { line: string; type: string; asset: string; child: string };

  const counts = async () => ({
    assets: await api.services.db.prisma.asset.count(),
    sites: await api.services.db.prisma.site.count(),
    audit: await api.services.db.prisma.auditEvent.count(),
  });

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
    const { prisma } = api.services.db;
    const line = await prisma.line.findFirstOrThrow({ where: { code: 'LEJ-L1' } });
    const asset = await prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-CNC01' } });
    const created = await api.gql(
      'mutation($i: AssetInput!) { createAsset(input: $i) { id parent { code } line { code } assetType { name } } }',
      {
        i: {
          lineId: line.id,
          assetTypeId: asset.assetTypeId,
          parentId: asset.id,
          code: 'LEJ-L1-CNC01-SP',
          name: 'Motor spindle',
          criticality: 5,
          tags: ['spindle'],
        },
      },
      engineer,
    );
    expect(created.data!.createAsset).toMatchObject({
      parent: { code: 'LEJ-L1-CNC01' },
      line: { code: 'LEJ-L1' },
      assetType: { name: 'CNC machining centre' },
    });
    ids = { line: line.id, type: asset.assetTypeId, asset: asset.id, child: created.data!.createAsset.id };
  });
  afterAll(async () => api?.close());

  it('answers bad input with BAD_USER_INPUT naming each field, and writes nothing', async () => {
    const before = await counts();
    const res = await api.gql(
      'mutation($i: AssetInput!) { createAsset(input: $i) { id } }',
      {
        i: { lineId: ids.line, assetTypeId: ids.type, code: 'bad code!', name: '', criticality: 9 },
      },
      engineer,
    );
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect((res.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['code', 'criticality', 'name']);
    expect(await counts()).toEqual(before);
  });

  it('answers a malformed id with BAD_USER_INPUT and a missing one with NOT_FOUND', async () => {
    const malformed = await api.gql('{ asset(id: "42") { id } }', {}, engineer);
    expect(malformed.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const missing = await api.gql('{ asset(id: "3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e") { id } }', {}, engineer);
    expect(missing.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect(missing.data).toBeNull();
  });

  it('answers a duplicate code with CONFLICT naming the field, and writes nothing', async () => {
    const before = await counts();
    const res = await api.gql(
      'mutation($i: AssetInput!) { createAsset(input: $i) { id } }',
      {
        i: { lineId: ids.line, assetTypeId: ids.type, code: 'LEJ-L1-CNC01', name: 'Twin' },
      },
      engineer,
    );
    expect(res.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(res.errors![0]!.message).toBe('A record with the same code already exists; choose another value.');
    expect(await counts()).toEqual(before);
  });

  it('refuses to make an asset its own ancestor, and keeps the tree unchanged', async () => {
    const before = await counts();
    const res = await api.gql(
      'mutation($id: ID!, $p: ID!) { updateAsset(id: $id, input: { parentId: $p }) { id } }',
      { id: ids.asset, p: ids.child },
      engineer,
    );
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/its own ancestor/);
    expect((await api.services.db.prisma.asset.findUniqueOrThrow({ where: { id: ids.asset } })).parentId).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('refuses a signal bound to a property of another asset type', async () => {
    const foreign = await api.services.db.prisma.assetTypeProperty.findFirstOrThrow({ where: { assetTypeId: { not: ids.type } } });
    const res = await api.gql(
      'mutation($i: SignalInput!) { createSignal(input: $i) { id } }',
      {
        i: { assetId: ids.asset, propertyId: foreign.id, name: 'odd', sourceProtocol: 'API', sourceAddress: 'odd' },
      },
      engineer,
    );
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/property of the asset's type/);
  });

  it('filters lists and searches names and codes', async () => {
    const res = await api.gql(
      'query($l: ID!) { byLine: assets(filter: { lineId: $l }) { totalCount } chillers: assets(filter: { search: "chiller" }) { totalCount } tagged: assets(filter: { tag: "spindle" }) { nodes { code } } }',
      { l: ids.line },
      engineer,
    );
    expect(res.data).toEqual({ byLine: { totalCount: 12 }, chillers: { totalCount: 4 }, tagged: { nodes: [{ code: 'LEJ-L1-CNC01-SP' }] } });
  });

  it('refuses a crafted cursor with BAD_USER_INPUT, whatever it holds', async () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const uuid = '3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e';
    const crafted = [
      'not base64 !',
      cursor({ a: 1 }),
      cursor(['2026-11-23T08:00:00.000Z', 'not-a-uuid']),
      cursor(['2026-99-99T99:00:00.000Z', uuid]),
      cursor(['not a date', uuid]),
      cursor([1e308, uuid]),
      cursor(['99999999999999999999999999999', uuid]),
    ];
    for (const after of crafted) {
      const res = await api.gql(
        'query($after: String) { assets(first: 2, after: $after) { nodes { id } } sites(first: 2, after: $after) { nodes { id } } }',
        { after },
        engineer,
      );
      expect(res.errors?.[0]?.extensions?.code, after).toBe('BAD_USER_INPUT');
    }
  });

  it('searches for the text as written: LIKE wildcards match only themselves', async () => {
    const count = async (search: string) =>
      (await api.gql('query($s: String!) { assets(filter: { search: $s }) { totalCount } }', { s: search }, engineer)).data!.assets.totalCount as number;
    expect(await count('%')).toBe(0);
    expect(await count('_')).toBe(0);
    expect(await count('\\')).toBe(0);
    expect(await count('LEJ-L1-CNC0_')).toBe(0);
    expect(await count('lej-l1-cnc0')).toBeGreaterThan(0);
  });

  it('pages through every row exactly once while new rows are inserted', async () => {
    for (const order of ['ASC', 'DESC']) {
      const seen: string[] = [];
      let after: string | null = null;
      const existing = await api.services.db.prisma.asset.count();
      for (let page = 0; page < 50; page += 1) {
        const res: { data?: any } = await api.gql(
          'query($after: String, $order: SortOrder) { assets(first: 7, after: $after, order: $order) { nodes { id } pageInfo { hasNextPage endCursor } } }',
          { after, order },
          engineer,
        );
        seen.push(...res.data.assets.nodes.map((n: { id: string }) => n.id));
        await api.gql(
          'mutation($i: AssetInput!) { createAsset(input: $i) { id } }',
          { i: { lineId: ids.line, assetTypeId: ids.type, code: `NEW-${order}-${page}`, name: 'Arrived meanwhile' } },
          engineer,
        );
        if (!res.data.assets.pageInfo.hasNextPage) break;
        after = res.data.assets.pageInfo.endCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(existing);
    }
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await api.gql('{ assets(after: "not-a-cursor") { totalCount } }', {}, engineer);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('answers a nested query over 4 levels and 200+ rows with a fixed number of SQL statements', async () => {
    const query = '{ sites { nodes { code lines { code assets { code assetType { name } signals { name property { unit } } } } } } }';
    let rows = 0;
    const first = await api.countStatements(async () => {
      const res = await api.gql(query, {}, engineer);
      rows = JSON.stringify(res.data).match(/"code"|"name"/g)!.length;
    });
    expect(rows).toBeGreaterThan(200);
    // auth (1) + sites page and count (2) + lines, assets, asset types, signals, properties (1 each)
    expect(first).toBeLessThanOrEqual(8);
    const line = await api.services.db.prisma.line.findUniqueOrThrow({ where: { id: ids.line } });
    for (let i = 0; i < 20; i += 1) {
      await api.services.db.prisma.asset.create({
        data: {
          organizationId: line.organizationId,
          lineId: line.id,
          assetTypeId: ids.type,
          code: `GROW-${i}`,
          name: `Grown ${i}`,
          signals: { create: [{ name: 'vibration', sourceProtocol: 'API', sourceAddress: `grow/${i}` }] },
        },
      });
    }
    let grownRows = 0;
    const second = await api.countStatements(async () => {
      const res = await api.gql(query, {}, engineer);
      grownRows = JSON.stringify(res.data).match(/"code"|"name"/g)!.length;
    });
    expect(grownRows).toBeGreaterThan(rows + 40);
    expect(second).toBe(first);
  });
});
