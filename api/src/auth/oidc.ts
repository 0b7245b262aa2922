// The plant's OpenID Connect provider, seen from the API: ID tokens the portal relays after the
// authorisation-code flow, and RFC 9068 access tokens machine clients get by client credentials,
// both verified against the provider's published keys (discovered once from its issuer, refreshed
// by jose when a new key id appears): signature by an asymmetric algorithm, issuer, audience,
// expiry, and the nonce the portal sent for an ID token or `typ: at+jwt` for an access token.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { systemClock, type Clock } from '@threadline/db/clock';
import type { GroupRole, VerifiedIdentity } from '@threadline/db/people/single-sign-on';
import type { UserRole } from '@threadline/db/client';
import { serviceUnavailable, unauthenticated } from '../common/errors.ts';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface OidcSettings {
  issuer: string;
  /** The portal's client id: the audience of the ID tokens. */
  clientId: string;
  /** The API's resource indicator: the audience of machine clients' access tokens. */
  apiAudience: string;
  /** The slug of the organisation the provider signs people and machines into. */
  organization: string;
  displayName: string;
  groupsClaim: string;
  roleMap: GroupRole[];
  defaultRole: UserRole | null;
}

export interface MachineClient {
  clientId: string;
  scopes: string[];
}

export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | null = null;

  constructor(
    readonly settings: OidcSettings,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Who the ID token names; UNAUTHENTICATED when it is unsigned, forged, expired, foreign or replayed. */
  async identity(idToken: string, nonce: string): Promise<VerifiedIdentity> {
    const payload = await this.verify(idToken, { audience: this.settings.clientId }, 'ID token');
    if (typeof payload.nonce !== 'string' || payload.nonce !== nonce)
      throw unauthenticated('The ID token was not issued for this sign-in (nonce); sign in again.');
    const email = typeof payload.email === 'string' ? payload.email : '';
    if (!email) throw unauthenticated('The ID token carries no e-mail address; ask your identity provider to release the email scope.');
    const groups = payload[this.settings.groupsClaim];
    return {
      issuer: this.settings.issuer,
      subject: payload.sub!,
      email,
      emailVerified: payload.email_verified === true,
      name: typeof payload.name === 'string' ? payload.name : email,
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    };
  }

  /** The machine client an access token was issued to and its scopes. */
  async client(accessToken: string): Promise<MachineClient> {
    const payload = await this.verify(accessToken, { audience: this.settings.apiAudience, typ: 'at+jwt' }, 'access token');
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : payload.sub!;
    return { clientId, scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [] };
  }

  private async verify(token: string, expected: { audience: string; typ?: string }, what: string): Promise<JWTPayload> {
    const keys = await this.signingKeys();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: expected.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: this.clock.now(),
        clockTolerance: 30,
        ...(expected.typ ? { typ: expected.typ } : {}),
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated(`The ${what} has expired; get a new one from the identity provider.`);
      if (error instanceof errors.JWKSTimeout) throw serviceUnavailable('The identity provider did not answer in time; retry in a few seconds.');
      throw unauthenticated(`The ${what} is not valid here (signature, issuer or audience).`);
    }
  }

  /** The provider's key set, from its discovery document; asked again after a failure. */
  private signingKeys(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = null;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => null);
    const document = response?.ok ? ((await response.json()) as { issuer?: string; jwks_uri?: string }) : null;
    if (!document?.jwks_uri || document.issuer !== this.settings.issuer) {
      throw serviceUnavailable('The identity provider cannot be reached or describes another issuer; retry in a few seconds.');
    }
    return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 5000 });
  }
}
