// A corporate identity provider for the demo and the tests: a real OpenID Connect provider
// (`oidc-provider`) with the plant's directory (people and their groups), the portal as a
// confidential first-party client (authorisation code with PKCE, no consent screen) and machine
// clients that get RFC 9068 JWT access tokens for the API by client credentials. Its sign-in page is
// oidc-provider's development form: any password opens a directory account, which is what a demo
// needs and nothing else should use. `npm start` runs it on IDP_PORT (4400); the tests start their
// own with `startIdentityProvider`.
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';
import { PERMISSIONS } from '../api/src/auth/permissions.ts';

export interface DirectoryAccount {
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface MachineClient {
  clientId: string;
  secret: string;
  /** The Threadline permissions it may ask for (space-separated scopes). */
  scope: string;
}

export interface IdentityProviderOptions {
  port: number;
  portal: { clientId: string; secret: string; redirectUris: string[] };
  machineClients: MachineClient[];
  /** The API's resource indicator: the audience of the access tokens machine clients get. */
  apiAudience: string;
  accounts: DirectoryAccount[];
  accessTokenSeconds?: number;
}

export interface RunningIdentityProvider {
  issuer: string;
  /** The provider's signing key (private JWK), so tests can forge tokens with and without it. */
  signingKey: JWK;
  close(): Promise<void>;
}

/** Machine clients may ask for any Threadline permission as a scope. */
const PERMISSION_SCOPES = [...PERMISSIONS];

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<RunningIdentityProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const signingKey = {
    ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK),
    kid: 'idp-1',
    use: 'sig',
    alg: 'RS256',
  };
  const accounts = new Map(options.accounts.map((a) => [a.email.toLowerCase(), a]));
  const machineIds = new Set(options.machineClients.map((c) => c.clientId));
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.portal.clientId,
        client_secret: options.portal.secret,
        redirect_uris: options.portal.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      ...options.machineClients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: c.scope,
        token_endpoint_auth_method: 'client_secret_basic' as const,
      })),
    ],
    jwks: { keys: [signingKey] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups', ...PERMISSION_SCOPES],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // The portal reads who signed in from the ID token alone.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const account = accounts.get(id.toLowerCase());
      if (!account) return undefined;
      return {
        accountId: account.email.toLowerCase(),
        claims: () => ({
          sub: account.email.toLowerCase(),
          email: account.email.toLowerCase(),
          email_verified: account.emailVerified ?? true,
          name: account.name,
          groups: account.groups,
        }),
      };
    },
    // The portal is the plant's own application: no consent screen.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, client) => (client && machineIds.has(client.clientId) ? options.apiAudience : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, _resource, client) => ({
          scope: client.scope ?? '',
          audience: options.apiAudience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: options.accessTokenSeconds ?? 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, IdToken: 600, AuthorizationCode: 60 },
  });
  provider.on('server_error', (_ctx, error) => process.stderr.write(`[identity-provider] ${String(error)}\n`));
  const server: Server = await new Promise((resolve, reject) => {
    const listening = provider.listen(options.port, '127.0.0.1', () => resolve(listening)).once('error', reject);
  });
  return {
    issuer,
    signingKey,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The demo directory: the plant's people by group; the groups map to roles in OIDC_ROLE_MAP. */
export const DEMO_DIRECTORY: DirectoryAccount[] = [
  { email: 'admin@northwind.example', name: 'Adam Admin', groups: ['threadline-admins'] },
  { email: 'maria.planner@northwind.example', name: 'Maria Planner', groups: ['plant-engineers', 'northwind-staff'] },
  { email: 'lars.quality@northwind.example', name: 'Lars Quality', groups: ['quality-approvers'] },
  { email: 'contractor@northwind.example', name: 'Casey Contractor', groups: ['contractors'] },
];

export const DEMO_ROLE_MAP = 'threadline-admins=ADMIN,quality-approvers=APPROVER,data-science=DATA_SCIENTIST,plant-engineers=ENGINEER,northwind-staff=VIEWER';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const port = Number(env.IDP_PORT ?? 4400);
  const provider = await startIdentityProvider({
    port,
    portal: {
      clientId: env.OIDC_CLIENT_ID ?? 'threadline-portal',
      secret: env.OIDC_CLIENT_SECRET ?? 'threadline-portal-demo-secret',
      redirectUris: (env.IDP_REDIRECT_URIS ?? 'http://127.0.0.1:3000/auth/oidc/callback,http://localhost:3000/auth/oidc/callback').split(','),
    },
    machineClients: [{ clientId: 'historian-sync', secret: env.IDP_MACHINE_SECRET ?? 'historian-sync-demo-secret', scope: 'read telemetry:write' }],
    apiAudience: env.OIDC_API_AUDIENCE ?? 'urn:threadline:api',
    accounts: DEMO_DIRECTORY,
  });
  process.stdout.write(`[identity-provider] ${provider.issuer} (demo directory: ${DEMO_DIRECTORY.map((a) => a.email).join(', ')})\n`);
}
