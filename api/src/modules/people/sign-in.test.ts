// Signing in under attack (issue 17, items 3 and 8): wrong passwords are throttled per account
// and per source address with a lock that doubles, the right password included while locked;
// unknown and known addresses get the same answers in about the same time; failed sign-ins of
// known accounts are audited; and an address may have accounts in several organisations without
// one organisation's administrator learning of the other's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '@threadline/db/clock';
import { ACCOUNT_THROTTLE, ADDRESS_THROTTLE } from '@threadline/db/people/sign-in-throttle';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { waitFor } from '../../../../scripts/test/wait-for.ts';

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token user { email } organization { slug } } }';

describe('sign-in', () => {
  let api: ApiHarness;
  const clock = fixedClock(Date.now());

  beforeAll(async () => {
    api = await startApi({}, undefined, clock);
  });
  afterAll(async () => api?.close());

  const attempt = async (email: string, password: string, from: string, organization?: string) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      payload: JSON.stringify({ query: LOGIN, variables: { i: { email, password, ...(organization ? { organization } : {}) } } }),
    });
    const body = res.json() as { data?: { login: { token: string; user: { email: string }; organization: { slug: string } } } | null; errors?: any[] };
    return { status: res.statusCode, retryAfter: res.headers['retry-after'], body, code: body.errors?.[0]?.extensions?.code as string | undefined };
  };

  it('locks an account after repeated wrong passwords, refuses even the right one while locked, and doubles the lock', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 30; i += 1) codes.push((await attempt('approver@northwind.example', `guess-${i}`, '198.51.100.1')).code!);
    expect(codes.slice(0, ACCOUNT_THROTTLE.freeFailures + 1)).toEqual(Array(ACCOUNT_THROTTLE.freeFailures + 1).fill('UNAUTHENTICATED'));
    expect(new Set(codes.slice(ACCOUNT_THROTTLE.freeFailures + 1))).toEqual(new Set(['RATE_LIMITED']));

    const right = await attempt('approver@northwind.example', 'threadline-demo', '198.51.100.2');
    expect(right.status).toBe(429);
    expect(right.retryAfter).toBe(String(ACCOUNT_THROTTLE.firstLockSeconds));
    expect(right.body.errors![0].message).toBe(
      `Too many failed sign-ins for this account or from this address; retry after ${ACCOUNT_THROTTLE.firstLockSeconds} s.`,
    );

    clock.advance(ACCOUNT_THROTTLE.firstLockSeconds * 1000);
    const again = await attempt('approver@northwind.example', 'still-wrong', '198.51.100.2');
    expect(again.code).toBe('UNAUTHENTICATED');
    expect((await attempt('approver@northwind.example', 'threadline-demo', '198.51.100.2')).retryAfter).toBe(String(ACCOUNT_THROTTLE.firstLockSeconds * 2));

    clock.advance(ACCOUNT_THROTTLE.firstLockSeconds * 2 * 1000);
    const signedIn = await attempt('approver@northwind.example', 'threadline-demo', '198.51.100.2');
    expect(signedIn.body.data?.login.user.email).toBe('approver@northwind.example');
    // A correct password clears the account's count: one more mistake is not locked.
    expect((await attempt('approver@northwind.example', 'typo', '198.51.100.2')).code).toBe('UNAUTHENTICATED');
    expect((await attempt('approver@northwind.example', 'threadline-demo', '198.51.100.2')).body.data?.login.token).toBeTruthy();
  });

  it('locks a source address that tries many accounts, and only that address', async () => {
    for (let i = 0; i < ADDRESS_THROTTLE.freeFailures + 1; i += 1) {
      expect((await attempt(`sprayed-${i}@northwind.example`, 'Winter2026!', '192.0.2.77')).code).toBe('UNAUTHENTICATED');
    }
    const locked = await attempt('viewer@northwind.example', 'threadline-demo', '192.0.2.77');
    expect(locked.code).toBe('RATE_LIMITED');
    expect((await attempt('viewer@northwind.example', 'threadline-demo', '192.0.2.78')).body.data?.login.token).toBeTruthy();
  });

  it('answers unknown and known accounts alike: the same code, message and throttling', async () => {
    const known = await attempt('engineer@northwind.example', 'wrong-password', '198.51.100.20');
    const unknown = await attempt('nobody@northwind.example', 'wrong-password', '198.51.100.21');
    expect(unknown.body.errors).toEqual(known.body.errors);
    for (let i = 0; i < ACCOUNT_THROTTLE.freeFailures; i += 1) await attempt('nobody@northwind.example', `x${i}`, '198.51.100.21');
    const lockedUnknown = await attempt('nobody@northwind.example', 'x', '198.51.100.22');
    expect(lockedUnknown.code).toBe('RATE_LIMITED');
    expect(lockedUnknown.retryAfter).toBe(String(ACCOUNT_THROTTLE.firstLockSeconds));
  });

  it('takes about as long for an unknown address as for a wrong password', async () => {
    const timed = async (email: string, from: string) => {
      const started = performance.now();
      expect((await attempt(email, 'not-the-password', from)).code).toBe('UNAUTHENTICATED');
      return performance.now() - started;
    };
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    const people = ['viewer', 'data', 'admin'];
    for (let i = 0; i < 9; i += 1) {
      knownTimes.push(await timed(`${people[i % 3]}@northwind.example`, `203.0.113.${i}`));
      unknownTimes.push(await timed(`ghost-${i}@northwind.example`, `203.0.113.${100 + i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknownTimes) / median(knownTimes);
    // Without the decoy check an unknown address answers in a few per cent of the time.
    expect(ratio, `unknown ${median(unknownTimes)} ms, known ${median(knownTimes)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    clock.advance(ACCOUNT_THROTTLE.forgetAfterSeconds * 1000);
  });

  it('forgets keys an hour after their last failure', async () => {
    await attempt('forgotten@northwind.example', 'x', '198.51.100.99');
    const count = async () =>
      Number(
        (await api.services.db.pool.query("SELECT count(*) FROM sign_in_failures WHERE key LIKE '%forgotten%' OR key LIKE '%198.51.100.99'")).rows[0].count,
      );
    expect(await count()).toBe(2);
    clock.advance(ACCOUNT_THROTTLE.forgetAfterSeconds * 1000 + 1_000);
    await attempt('someone-else@northwind.example', 'x', '198.51.100.98');
    expect(await count()).toBe(0);
  });

  it("audits a failed sign-in in the account's organisation, with its source address", async () => {
    const viewer = await api.services.db.prisma.user.findFirstOrThrow({ where: { email: 'viewer@northwind.example' } });
    await attempt('viewer@northwind.example', 'wrong-again', '203.0.113.200');
    let event: { actorKind: string; actorLabel: string; payload: unknown } | null = null;
    await waitFor('the failed sign-in in the audit trail', async () => {
      event = await api.services.db.prisma.auditEvent.findFirst({
        where: { type: 'user.sign_in_failed', subjectId: viewer.id, payload: { path: ['sourceAddress'], equals: '203.0.113.200' } },
      });
      return event !== null;
    });
    expect(event).toMatchObject({
      actorKind: 'SYSTEM',
      actorLabel: 'sign-in from 203.0.113.200',
      payload: { reason: 'wrong_password', sourceAddress: '203.0.113.200', v: 5 },
    });
  });

  it('creates a user whose address another organisation uses without saying so, and signs each in to their own', async () => {
    const admin = await api.login('admin@northwind.example');
    await createOtherOrganization(api, 'fabrikam');
    const create = (password: string) =>
      api.gql(
        'mutation($i: UserInput!) { createUser(input: $i) { email } }',
        { i: { email: 'admin@fabrikam.example', name: 'Shared address', role: 'VIEWER', password } },
        admin,
      );
    const created = await create('northwind-only-password');
    expect(created.errors).toBeUndefined();
    expect(created.data!.createUser.email).toBe('admin@fabrikam.example');
    // Within one organisation an address is still unique.
    expect((await create('another-password-123')).errors![0]!.extensions!.code).toBe('CONFLICT');

    expect((await attempt('admin@fabrikam.example', 'northwind-only-password', '198.51.100.50')).body.data!.login.organization.slug).toBe('northwind');
    expect((await attempt('admin@fabrikam.example', 'threadline-demo', '198.51.100.50')).body.data!.login.organization.slug).toBe('fabrikam');
  });

  it('asks for the organisation when one address and password open accounts in two', async () => {
    const admin = await api.login('admin@northwind.example');
    const res = await api.gql(
      'mutation($i: UserInput!) { createUser(input: $i) { id } }',
      { i: { email: 'engineer@fabrikam.example', name: 'Twin', role: 'ENGINEER', password: 'same-password-twice' } },
      admin,
    );
    expect(res.errors).toBeUndefined();
    const fabrikam = await api.services.db.prisma.organization.findUniqueOrThrow({ where: { slug: 'fabrikam' } });
    await api.services.db.prisma.user.create({
      data: {
        organizationId: fabrikam.id,
        email: 'engineer@fabrikam.example',
        name: 'Twin',
        role: 'ENGINEER',
        passwordHash: (await api.services.db.prisma.user.findFirstOrThrow({ where: { email: 'engineer@fabrikam.example' } })).passwordHash,
      },
    });
    const ambiguous = await attempt('engineer@fabrikam.example', 'same-password-twice', '198.51.100.60');
    expect(ambiguous.code).toBe('BAD_USER_INPUT');
    expect(ambiguous.body.errors![0].extensions.details).toEqual({ field: 'organization' });
    const named = await attempt('engineer@fabrikam.example', 'same-password-twice', '198.51.100.60', 'fabrikam');
    expect(named.body.data!.login.organization.slug).toBe('fabrikam');
  });
});
