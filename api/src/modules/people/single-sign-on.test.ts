// Single sign-on (issue 24, item 1) against a real OpenID Connect provider started in the test:
// ID tokens relayed by the portal open sessions with the role the person's groups map to (provisioned
// on first sign-in, linked to an existing account of the same verified e-mail, kept in step when the
// groups change); unsigned, forged, expired, foreign and replayed ID tokens are refused; machine
// clients' client-credentials access tokens act with their scopes and are audited as CLIENT; and
// password sign-in can be switched off.
import { randomBytes } from 'node:crypto';
import { SignJWT, importJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { freePort } from '../../../../scripts/test/free-port.ts';
import { startIdentityProvider, type RunningIdentityProvider } from '../../../../scripts/identity-provider.ts';

const PORTAL = 'threadline-portal';
const AUDIENCE = 'urn:threadline:api';
const SSO_LOGIN = 'mutation($i: SsoLoginInput!) { loginWithSso(input: $i) { token user { email name role } organization { slug } } }';

describe('single sign-on', () => {
  let idp: RunningIdentityProvider;
  let api: ApiHarness;
  let env: Record<string, string>;

  beforeAll(async () => {
    idp = await startIdentityProvider({
      port: await freePort(),
      portal: { clientId: PORTAL, secret: 'portal-secret', redirectUris: ['http://127.0.0.1:3999/auth/oidc/callback'] },
      machineClients: [
        { clientId: 'historian-sync', secret: 'historian-secret', scope: 'read telemetry:write' },
        { clientId: 'erp-bridge', secret: 'erp-secret', scope: 'read plant:write' },
      ],
      apiAudience: AUDIENCE,
      accounts: [],
    });
    env = {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: PORTAL,
      OIDC_ORGANIZATION: 'northwind',
      OIDC_DISPLAY_NAME: 'Northwind SSO',
      OIDC_ROLE_MAP: 'threadline-admins=ADMIN, quality-approvers=APPROVER, plant-engineers=ENGINEER',
    };
    api = await startApi(env);
  });
  afterAll(async () => {
    await api?.close();
    await idp?.close();
  });

  const idToken = async (claims: Record<string, unknown>, options: { key?: JWK; expiresIn?: string | number; audience?: string; issuer?: string } = {}) => {
    const key = options.key ?? idp.signingKey;
    return new SignJWT({ nonce: 'n'.repeat(24), email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid! })
      .setIssuer(options.issuer ?? idp.issuer)
      .setAudience(options.audience ?? PORTAL)
      .setSubject(String(claims.email))
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(await importJWK(key, 'RS256'));
  };
  const signIn = (token: string, nonce = 'n'.repeat(24)) => api.gql(SSO_LOGIN, { i: { idToken: token, nonce } });
  const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

  it('tells the portal how people sign in', async () => {
    const res = await api.gql('{ signInOptions { password sso { displayName issuer clientId } } }');
    expect(res.data!.signInOptions).toEqual({ password: true, sso: { displayName: 'Northwind SSO', issuer: idp.issuer, clientId: PORTAL } });
  });

  it('provisions a person on first sign-in with the role of their first mapped group, and audits it', async () => {
    const res = await signIn(
      await idToken({ email: 'Maria.Planner@northwind.example', name: 'Maria Planner', groups: ['staff', 'plant-engineers', 'quality-approvers'] }),
    );
    // quality-approvers is listed before plant-engineers in the map: the map's order decides.
    expect(res.data!.loginWithSso.user).toEqual({ email: 'maria.planner@northwind.example', name: 'Maria Planner', role: 'APPROVER' });
    expect(res.data!.loginWithSso.organization.slug).toBe('northwind');
    const me = await api.gql('{ viewer { kind role permissions } }', {}, res.data!.loginWithSso.token);
    expect(me.data!.viewer).toMatchObject({ kind: 'USER', role: 'APPROVER' });
    expect(me.data!.viewer.permissions).toContain('approval:decide');

    const trail = await api.services.db.pool.query(
      `SELECT type, payload FROM audit_events WHERE subject_type = 'user' AND subject_id = (SELECT id::text FROM users WHERE email = 'maria.planner@northwind.example') ORDER BY seq`,
    );
    expect(trail.rows.map((r) => r.type)).toEqual(['user.created', 'user.signed_in_with_sso']);
    expect(trail.rows[1].payload).toMatchObject({ role: 'APPROVER', provisioned: true, issuer: idp.issuer });
    // A provisioned person has no password.
    const password = await api.gql('mutation { login(input: { email: "maria.planner@northwind.example", password: "!sso" }) { token } }');
    expect(codeOf(password)).toBe('UNAUTHENTICATED');
  });

  it('keeps the role in step with the groups, ending the sessions the old role opened', async () => {
    const first = await signIn(await idToken({ email: 'lars.quality@northwind.example', name: 'Lars', groups: ['threadline-admins'] }));
    const adminToken = first.data!.loginWithSso.token as string;
    expect(first.data!.loginWithSso.user.role).toBe('ADMIN');
    const second = await signIn(await idToken({ email: 'lars.quality@northwind.example', name: 'Lars', groups: ['plant-engineers'] }));
    expect(second.data!.loginWithSso.user.role).toBe('ENGINEER');
    expect(codeOf(await api.gql('{ viewer { role } }', {}, adminToken))).toBe('UNAUTHENTICATED');
    expect((await api.gql('{ viewer { role } }', {}, second.data!.loginWithSso.token)).data!.viewer.role).toBe('ENGINEER');
  });

  it('links an existing account of the same verified e-mail, but not an unverified one', async () => {
    const unverified = await signIn(await idToken({ email: 'engineer@northwind.example', email_verified: false, groups: ['plant-engineers'] }));
    expect(codeOf(unverified)).toBe('FORBIDDEN');
    const linked = await signIn(await idToken({ email: 'engineer@northwind.example', groups: ['plant-engineers'] }));
    expect(linked.data!.loginWithSso.user).toMatchObject({ email: 'engineer@northwind.example', name: 'Emil Engineer', role: 'ENGINEER' });
    const { rows } = await api.services.db.pool.query(
      `SELECT count(*)::int AS n, max(oidc_subject) AS subject FROM users WHERE email = 'engineer@northwind.example'`,
    );
    expect(rows[0]).toEqual({ n: 1, subject: 'engineer@northwind.example' });
  });

  it('refuses a person none of whose groups maps to a role', async () => {
    const res = await signIn(await idToken({ email: 'contractor@northwind.example', groups: ['contractors'] }));
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toMatch(/groups/);
    const { rows } = await api.services.db.pool.query(`SELECT count(*)::int AS n FROM users WHERE email = 'contractor@northwind.example'`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses unsigned, forged, expired, foreign and replayed ID tokens', async () => {
    const claims = { email: 'mallory@northwind.example', groups: ['threadline-admins'] };
    const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = header({
      ...claims,
      sub: claims.email,
      iss: idp.issuer,
      aud: PORTAL,
      nonce: 'n'.repeat(24),
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
    });
    const unsigned = `${header({ alg: 'none' })}.${payload}.`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const { exportJWK } = await import('jose');
    const forged = await idToken(claims, { key: { ...(await exportJWK(privateKey)), kid: 'idp-1' } });
    const expired = await idToken(claims, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    const foreignAudience = await idToken(claims, { audience: 'another-app' });
    const foreignIssuer = await idToken(claims, { issuer: 'https://login.example.com' });
    const cases = {
      unsigned: await signIn(unsigned),
      forged: await signIn(forged),
      expired: await signIn(expired),
      foreignAudience: await signIn(foreignAudience),
      foreignIssuer: await signIn(foreignIssuer),
      replayed: await signIn(await idToken(claims), 'another-nonce-0123456789'),
      garbage: await signIn('not-a-jwt'),
    };
    for (const [name, res] of Object.entries(cases)) expect([name, codeOf(res)]).toEqual([name, 'UNAUTHENTICATED']);
    expect(cases.expired.errors![0]!.message).toMatch(/expired/);
    expect(cases.replayed.errors![0]!.message).toMatch(/nonce/);
    const { rows } = await api.services.db.pool.query(`SELECT count(*)::int AS n FROM users WHERE email = 'mallory@northwind.example'`);
    expect(rows[0].n).toBe(0);
  });

  const clientToken = async (clientId: string, secret: string, scope?: string) => {
    const response = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
    });
    const body = (await response.json()) as { access_token: string };
    return body.access_token;
  };

  it("lets machine clients act with their access token's scopes, audited as CLIENT", async () => {
    const historian = await clientToken('historian-sync', 'historian-secret', 'read telemetry:write');
    const me = await api.gql('{ viewer { kind id label permissions organization { slug } } }', {}, historian);
    expect(me.data!.viewer).toEqual({
      kind: 'CLIENT',
      id: 'historian-sync',
      label: 'oidc-client:historian-sync',
      permissions: ['read', 'telemetry:write'],
      organization: { slug: 'northwind' },
    });
    const refused = await api.gql('mutation { createSite(input: { code: "HIST", name: "Historian site", timezone: "UTC" }) { id } }', {}, historian);
    expect(codeOf(refused)).toBe('FORBIDDEN');

    const erp = await clientToken('erp-bridge', 'erp-secret', 'read plant:write');
    const created = await api.gql('mutation { createSite(input: { code: "ERP", name: "From the ERP", timezone: "UTC" }) { id } }', {}, erp);
    const siteId = created.data!.createSite.id as string;
    const { rows } = await api.services.db.pool.query(
      `SELECT actor_kind::text AS kind, actor_id AS id FROM audit_events WHERE type = 'site.created' AND subject_id = $1`,
      [siteId],
    );
    expect(rows).toEqual([{ kind: 'CLIENT', id: 'erp-bridge' }]);
  });

  it("refuses an ID token used as an access token, and another provider's access tokens", async () => {
    const idAsAccess = await idToken({ email: 'admin@northwind.example', groups: ['threadline-admins'] }, { audience: AUDIENCE });
    expect(codeOf(await api.gql('{ viewer { kind } }', {}, idAsAccess))).toBe('UNAUTHENTICATED');
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ scope: 'read access:admin', client_id: 'evil' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'idp-1' })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .setSubject('evil')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(codeOf(await api.gql('{ viewer { kind } }', {}, foreign))).toBe('UNAUTHENTICATED');
  });

  it('refuses password sign-in when it is switched off, and still signs people in through the provider', async () => {
    const ssoOnly = await startApi({ ...env, PASSWORD_SIGN_IN: 'off' }, api.database);
    try {
      const password = await ssoOnly.gql('mutation { login(input: { email: "admin@northwind.example", password: "threadline-demo" }) { token } }');
      expect(codeOf(password)).toBe('FORBIDDEN');
      expect(password.errors![0]!.message).toMatch(/Northwind SSO/);
      expect((await ssoOnly.gql('{ signInOptions { password } }')).data!.signInOptions.password).toBe(false);
      const sso = await ssoOnly.gql(SSO_LOGIN, {
        i: { idToken: await idToken({ email: 'admin@northwind.example', groups: ['threadline-admins'] }), nonce: 'n'.repeat(24) },
      });
      expect(sso.data!.loginWithSso.user.role).toBe('ADMIN');
    } finally {
      await ssoOnly.close();
    }
  });

  it('refuses to start with a bad role map or without the organisation', async () => {
    const { readApiConfig } = await import('../../config.ts');
    const base = { ...process.env, NODE_ENV: 'test', AUTH_TOKEN_SECRET: randomBytes(32).toString('hex') };
    expect(() => readApiConfig({ ...base, ...env, OIDC_ROLE_MAP: 'admins=OWNER' })).toThrow(/OIDC_ROLE_MAP.*admins=OWNER/);
    expect(() => readApiConfig({ ...base, ...env, OIDC_ORGANIZATION: '' })).toThrow(/OIDC_ORGANIZATION/);
    expect(() => readApiConfig({ ...base, PASSWORD_SIGN_IN: 'off' })).toThrow(/OIDC_ISSUER/);
  });
});
