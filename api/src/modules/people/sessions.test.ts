// Sessions end on the server (issue 17, item 5): signing out, a new password, another role and a
// disabled account refuse the user's tokens at the next request instead of when they expire; a
// second API replica refuses them once its short memory of checked sessions has lapsed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '@threadline/db/clock';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const VIEWER = '{ viewer { role } }';
const UPDATE = 'mutation($id: ID!, $i: UserUpdate!) { updateUser(id: $id, input: $i) { id } }';

describe('sessions', () => {
  let api: ApiHarness;
  let admin: string;
  const idOf = async (email: string) => (await api.services.db.prisma.user.findFirstOrThrow({ where: { email } })).id;
  const refused = async (token: string) => {
    const res = await api.gql(VIEWER, {}, token);
    return res.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' ? res.errors[0]!.message : null;
  };

  beforeAll(async () => {
    api = await startApi();
    admin = await api.login('admin@northwind.example');
  });
  afterAll(async () => api?.close());

  it('ends only the session that signs out, and audits it', async () => {
    const [first, second] = [await api.login('viewer@northwind.example'), await api.login('viewer@northwind.example')];
    expect((await api.gql('mutation { logout }', {}, first)).data).toEqual({ logout: true });
    expect(await refused(first)).toBe('This session has ended (signed out, password or role changed, or account disabled); sign in again.');
    expect(await refused(second)).toBeNull();
    const event = await api.services.db.prisma.auditEvent.findFirst({ where: { type: 'user.signed_out' }, orderBy: { seq: 'desc' } });
    expect(event).toMatchObject({ actorLabel: 'viewer@northwind.example', subjectId: await idOf('viewer@northwind.example') });
  });

  it('ends every session of a user whose password an administrator changes', async () => {
    const token = await api.login('data@northwind.example');
    await api.gql(UPDATE, { id: await idOf('data@northwind.example'), i: { password: 'a-new-password-2026' } }, admin);
    expect(await refused(token)).not.toBeNull();
    expect(await refused(await api.login('data@northwind.example', 'a-new-password-2026'))).toBeNull();
  });

  it('ends the sessions of a demoted user, who signs in again with the new role', async () => {
    const token = await api.login('engineer@northwind.example');
    expect((await api.gql(VIEWER, {}, token)).data!.viewer.role).toBe('ENGINEER');
    await api.gql(UPDATE, { id: await idOf('engineer@northwind.example'), i: { role: 'VIEWER' } }, admin);
    expect(await refused(token)).not.toBeNull();
    expect((await api.gql(VIEWER, {}, await api.login('engineer@northwind.example'))).data!.viewer.role).toBe('VIEWER');
  });

  it('keeps the sessions when an update changes nothing that grants access', async () => {
    const token = await api.login('approver@northwind.example');
    await api.gql(UPDATE, { id: await idOf('approver@northwind.example'), i: { name: 'Renamed approver', role: 'APPROVER' } }, admin);
    expect(await refused(token)).toBeNull();
  });

  it('ends the sessions of a disabled account on another replica within its cache time', async () => {
    const clock = fixedClock(Date.now());
    const replica = await startApi({ SESSION_CACHE_SECONDS: '5' }, api.database, clock);
    try {
      const token = await api.login('viewer@northwind.example');
      expect((await replica.gql(VIEWER, {}, token)).data!.viewer.role).toBe('VIEWER');
      await api.gql(UPDATE, { id: await idOf('viewer@northwind.example'), i: { disabled: true } }, admin);
      expect(await refused(token)).not.toBeNull();
      // The replica still remembers the session it checked a moment ago, for at most 5 s.
      expect((await replica.gql(VIEWER, {}, token)).errors).toBeUndefined();
      clock.advance(5_001);
      expect((await replica.gql(VIEWER, {}, token)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    } finally {
      await replica.close();
    }
  });
});
