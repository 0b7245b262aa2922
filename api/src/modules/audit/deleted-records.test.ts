// Deleting what an integrator created by mistake (issue 17, item 12): a row nothing refers to
// leaves every read and is kept, audited, to be restored; a row something refers to (lines of a
// site, telemetry of a signal) is refused with CONFLICT naming what, and nothing changes; only the
// permission that creates a row deletes or restores it, and only in the caller's organisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const CREATE_SITE = 'mutation($i: SiteInput!) { createSite(input: $i) { id code } }';
const DELETE_SITE = 'mutation($id: ID!) { deleteSite(id: $id) { id tableName recordId record deletedBy restoredAt } }';
const RESTORE = 'mutation($id: ID!) { restoreDeleted(id: $id) { id recordId restoredAt } }';

describe('deleting and restoring', () => {
  let api: ApiHarness;
  let engineer: string;

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
  });
  afterAll(async () => api?.close());

  it('deletes a site created by mistake, frees its code, and restores it once the code is free again', async () => {
    const site = (await api.gql(CREATE_SITE, { i: { code: 'OOPS', name: 'Created by mistake' } }, engineer)).data!.createSite;
    const deleted = (await api.gql(DELETE_SITE, { id: site.id }, engineer)).data!.deleteSite;
    expect(deleted).toMatchObject({
      tableName: 'sites',
      recordId: site.id,
      deletedBy: 'engineer@northwind.example',
      restoredAt: null,
      record: { code: 'OOPS' },
    });
    expect((await api.gql('query($id: ID!) { site(id: $id) { id } }', { id: site.id }, engineer)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await api.gql('{ sites(filter: { search: "OOPS" }) { totalCount } }', {}, engineer)).data!.sites.totalCount).toBe(0);
    const event = await api.services.db.prisma.auditEvent.findFirst({ where: { type: 'site.deleted', subjectId: site.id } });
    expect(event?.payload).toMatchObject({ before: { code: 'OOPS', name: 'Created by mistake' }, deletedRecordId: deleted.id });

    const again = (await api.gql(CREATE_SITE, { i: { code: 'OOPS', name: 'The right one' } }, engineer)).data!.createSite;
    const taken = await api.gql(RESTORE, { id: deleted.id }, engineer);
    expect(taken.errors![0]!.extensions!.code).toBe('CONFLICT');
    await api.gql(DELETE_SITE, { id: again.id }, engineer);
    const restored = (await api.gql(RESTORE, { id: deleted.id }, engineer)).data!.restoreDeleted;
    expect(restored.restoredAt).not.toBeNull();
    expect((await api.gql('query($id: ID!) { site(id: $id) { code name } }', { id: site.id }, engineer)).data!.site).toEqual({
      code: 'OOPS',
      name: 'Created by mistake',
    });
    expect(await api.services.db.prisma.auditEvent.count({ where: { type: 'site.restored', subjectId: site.id } })).toBe(1);
    expect((await api.gql(RESTORE, { id: deleted.id }, engineer)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('refuses to delete what something refers to, naming it, and changes nothing', async () => {
    const site = await api.services.db.prisma.site.findFirstOrThrow({ where: { code: 'LEJ' } });
    const refused = await api.gql(DELETE_SITE, { id: site.id }, engineer);
    expect(refused.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(refused.errors![0]!.message).toMatch(/is still referred to by .*\d+ lines/);
    const signal = await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'power', asset: { code: 'LEJ-L1-CMP01' } } });
    await api.gql(
      'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted } }',
      { p: [{ signalId: signal.id, time: new Date(Date.now() - 60_000).toISOString(), value: 1 }] },
      engineer,
    );
    const withTelemetry = await api.gql('mutation($id: ID!) { deleteSignal(id: $id) { id } }', { id: signal.id }, engineer);
    expect(withTelemetry.errors![0]!.message).toMatch(/referred to by .*telemetry/);
    expect(await api.services.db.prisma.site.count({ where: { id: site.id } })).toBe(1);
    expect(await api.services.db.prisma.signal.count({ where: { id: signal.id } })).toBe(1);
  });

  it('lets only the permission that creates a row delete it, in its own organisation', async () => {
    const site = (await api.gql(CREATE_SITE, { i: { code: 'KEEP', name: 'Kept' } }, engineer)).data!.createSite;
    const viewer = await api.login('viewer@northwind.example');
    expect((await api.gql(DELETE_SITE, { id: site.id }, viewer)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const other = await createOtherOrganization(api, 'contoso');
    expect((await api.gql(DELETE_SITE, { id: site.id }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const deleted = (await api.gql(DELETE_SITE, { id: site.id }, engineer)).data!.deleteSite;
    expect((await api.gql(RESTORE, { id: deleted.id }, other.token)).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await api.gql(RESTORE, { id: deleted.id }, viewer)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const listed = await api.gql('{ deletedRecords(filter: { tableName: "sites", waiting: true }) { nodes { recordId } } }', {}, viewer);
    expect(listed.data!.deletedRecords.nodes).toContainEqual({ recordId: site.id });
  });
});
