// Asset type versions (issue 24, item 3): a draft of the next version is edited apart from what live
// assets use, with optimistic locking (a stale revision is a CONFLICT); activating it changes the
// type's properties at once, keeps the version it replaced, and is audited; a draft that would
// remove or retype a property live signals measure is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const SAVE = 'mutation($i: AssetTypeDraftInput!) { saveAssetTypeDraft(input: $i) { version revision definition { properties { name unit maxValue } } } }';
const ACTIVATE =
  'mutation($id: ID!, $r: Int!) { activateAssetTypeDraft(assetTypeId: $id, expectedRevision: $r) { version properties { name unit maxValue } } }';
const TYPE =
  'query($id: ID!) { assetType(id: $id) { version properties { name maxValue } draft { version revision } versions { version status activatedBy } } }';

describe('asset type versions', () => {
  let api: ApiHarness;
  let engineer: string;
  let cnc: { id: string; properties: { name: string; dataType: string; unit: string | null; minValue: number | null; maxValue: number | null }[] };

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
    const type = await api.services.db.prisma.assetType.findFirstOrThrow({
      where: { name: 'CNC machining centre' },
      include: { properties: { orderBy: { createdAt: 'asc' } } },
    });
    cnc = { id: type.id, properties: type.properties };
  });
  afterAll(async () => api?.close());

  const gql = async (query: string, variables: Record<string, unknown>) => api.gql(query, variables, engineer);
  const definitionWith = (change: (p: (typeof cnc.properties)[number]) => Record<string, unknown> | null, extra: Record<string, unknown>[] = []) => ({
    assetTypeId: cnc.id,
    properties: [...cnc.properties.map((p) => change(p)).filter((p): p is Record<string, unknown> => p !== null), ...extra],
  });
  const asIs = (p: (typeof cnc.properties)[number]) => ({ name: p.name, dataType: p.dataType, unit: p.unit, minValue: p.minValue, maxValue: p.maxValue });

  it('edits a draft apart from the live type, with optimistic locking, then activates it', async () => {
    const draft = definitionWith(
      (p) => (p.name === 'spindle_vibration' ? { ...asIs(p), maxValue: 6.5 } : asIs(p)),
      [{ name: 'coolant_flow', dataType: 'NUMBER', unit: 'l/min' }],
    );
    const first = await gql(SAVE, { i: { ...draft, expectedRevision: 0 } });
    expect(first.data!.saveAssetTypeDraft).toMatchObject({ version: 2, revision: 1 });
    // Someone else saves meanwhile.
    const second = await gql(SAVE, { i: { ...draft, expectedRevision: 1 } });
    expect(second.data!.saveAssetTypeDraft.revision).toBe(2);
    const stale = await gql(SAVE, { i: { ...draft, expectedRevision: 1 } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(stale.errors?.[0]?.message).toMatch(/revision 2, you sent 1/);

    // Live assets still see version 1.
    const live = await gql(TYPE, { id: cnc.id });
    expect(live.data!.assetType).toMatchObject({ version: 1, draft: { version: 2, revision: 2 } });
    expect(live.data!.assetType.properties.find((p: { name: string }) => p.name === 'spindle_vibration').maxValue).toBe(7.1);
    expect(live.data!.assetType.properties.some((p: { name: string }) => p.name === 'coolant_flow')).toBe(false);

    expect((await gql(ACTIVATE, { id: cnc.id, r: 1 })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const activated = await gql(ACTIVATE, { id: cnc.id, r: 2 });
    expect(activated.data!.activateAssetTypeDraft.version).toBe(2);
    const props = activated.data!.activateAssetTypeDraft.properties as { name: string; unit: string; maxValue: number }[];
    expect(props.find((p) => p.name === 'spindle_vibration')!.maxValue).toBe(6.5);
    expect(props.find((p) => p.name === 'coolant_flow')!.unit).toBe('l/min');

    const after = await gql(TYPE, { id: cnc.id });
    expect(after.data!.assetType.draft).toBeNull();
    expect(after.data!.assetType.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'ACTIVE'],
      [1, 'SUPERSEDED'],
    ]);
    const audit = await api.services.db.pool.query(`SELECT payload FROM audit_events WHERE type = 'asset_type.version_activated' AND subject_id = $1`, [
      cnc.id,
    ]);
    expect(audit.rows[0].payload).toMatchObject({ version: 2, replaces: 1, added: ['coolant_flow'], changed: ['spindle_vibration'], removed: [] });
  });

  it('refuses a draft that would remove or retype a property live signals measure', async () => {
    const type = await gql(TYPE, { id: cnc.id });
    const current = (await api.services.db.prisma.assetTypeProperty.findMany({ where: { assetTypeId: cnc.id } })).map((p) => ({
      name: p.name,
      dataType: p.dataType,
      unit: p.unit,
      minValue: p.minValue,
      maxValue: p.maxValue,
    }));
    const without = current.filter((p) => p.name !== 'spindle_temperature').map((p) => (p.name === 'power' ? { ...p, dataType: 'STRING' } : p));
    const saved = await gql(SAVE, { i: { assetTypeId: cnc.id, expectedRevision: 0, properties: without } });
    expect(saved.data!.saveAssetTypeDraft.version).toBe(type.data!.assetType.version + 1);
    const refused = await gql(ACTIVATE, { id: cnc.id, r: 1 });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/removes "spindle_temperature", which \d+ live signal\(s\) measure/);
    expect(refused.errors?.[0]?.message).toMatch(/changes "power" from NUMBER to STRING/);
    expect((await gql(TYPE, { id: cnc.id })).data!.assetType.version).toBe(2);
    expect((await gql('mutation($id: ID!) { discardAssetTypeDraft(assetTypeId: $id) }', { id: cnc.id })).data!.discardAssetTypeDraft).toBe(true);
  });

  it('refuses an invalid draft, and people without plant:write', async () => {
    const twice = await gql(SAVE, {
      i: {
        assetTypeId: cnc.id,
        expectedRevision: 0,
        properties: [
          { name: 'x', dataType: 'NUMBER' },
          { name: 'x', dataType: 'NUMBER' },
        ],
      },
    });
    expect(twice.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/named twice/) });
    const inverted = await gql(SAVE, {
      i: { assetTypeId: cnc.id, expectedRevision: 0, properties: [{ name: 'x', dataType: 'NUMBER', minValue: 5, maxValue: 1 }] },
    });
    expect(inverted.errors?.[0]?.message).toMatch(/minimum above its maximum/);
    const viewer = await api.login('viewer@northwind.example');
    const res = await api.gql(SAVE, { i: { assetTypeId: cnc.id, expectedRevision: 0, properties: [] } }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
