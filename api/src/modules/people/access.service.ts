// Sign-in, sign-out and authentication of each request (a session token naming a live server-side
// session, or an API key).
import type { Logger } from 'pino';
import type { Db } from '@threadline/db/client';
import type { Principal } from '../../auth/principal.ts';
import { ROLE_PERMISSIONS, isPermission, type Permission } from '../../auth/permissions.ts';
import { parseApiKey, secretMatches } from '../../auth/api-keys.ts';
import type { TokenService } from '../../auth/tokens.ts';
import type { SessionCache } from '../../auth/session-cache.ts';
import { badInput, forbidden, rateLimited, ThreadlineError, unauthenticated } from '../../common/errors.ts';
import type { OidcVerifier } from '../../auth/oidc.ts';
import { decodeProtectedHeader } from 'jose';
import type { RateLimiter } from '../../security/rate-limiter.ts';
import { systemClock, type Clock } from '@threadline/db/clock';
import { rawSqlOf } from '@threadline/db/sql';
import { auditFailedSignIn, signIn } from '@threadline/db/people/sign-in';
import { liveSessionUser } from '@threadline/db/people/sessions';
import { signInWithIdentity, type SsoSignInOutcome } from '@threadline/db/people/single-sign-on';
import type { UserRole } from '@threadline/db/client';

export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

export interface SignInRequest {
  email: string;
  password: string;
  organization: string | null;
  sourceAddress: string | null;
}

export interface SsoSignInRequest {
  idToken: string;
  nonce: string;
  sourceAddress: string | null;
}

export interface SignedIn {
  userId: string;
  token: string;
  expiresAt: Date;
}

const WRONG_CREDENTIALS = 'E-mail or password is wrong, or the account is disabled.';

const SSO_REFUSALS: Record<Extract<SsoSignInOutcome, { kind: 'refused' }>['reason'], string> = {
  no_role: 'None of your groups at the identity provider gives a Threadline role; ask an administrator to map one.',
  disabled: 'This account is disabled; ask an administrator.',
  email_taken: 'An account with this e-mail exists and the identity provider did not verify the address, so it cannot be linked; ask an administrator.',
};

export class AccessService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly keyRate: RateLimiter,
    readonly sessions: SessionCache,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
    readonly oidc: OidcVerifier | null = null,
    readonly passwordSignIn = true,
  ) {}

  /**
   * A session token for a correct e-mail and password. Wrong credentials, unknown addresses and
   * disabled accounts get one answer; too many failures get RATE_LIMITED with Retry-After.
   */
  async signIn(request: SignInRequest): Promise<SignedIn> {
    if (!this.passwordSignIn) throw forbidden(`Password sign-in is switched off here; sign in with ${this.oidc?.settings.displayName ?? 'single sign-on'}.`);
    const sessionExpiresAt = this.tokens.expiryOfNewSession();
    const outcome = await signIn(this.db.pool, { ...request, sessionExpiresAt }, this.clock);
    switch (outcome.kind) {
      case 'throttled':
        throw new ThreadlineError(
          'RATE_LIMITED',
          `Too many failed sign-ins for this account or from this address; retry after ${outcome.retryAfterSeconds} s.`,
          { retryAfterSeconds: outcome.retryAfterSeconds },
        );
      case 'refused':
        // Audited after the answer, so that a known account answers as fast as an unknown one.
        void auditFailedSignIn(this.db.pool, outcome, request.sourceAddress, this.clock).catch((err: unknown) =>
          this.log.error({ err }, 'could not audit a failed sign-in'),
        );
        throw unauthenticated(WRONG_CREDENTIALS);
      case 'ambiguous':
        throw badInput(`This e-mail and password open accounts in ${outcome.organizations} organisations; name one with organization (its slug).`, {
          field: 'organization',
        });
      case 'signed_in': {
        const { user, sessionId } = outcome;
        const { token } = await this.tokens.issue({ userId: user.id, organizationId: user.organizationId, sessionId }, sessionExpiresAt);
        return { userId: user.id, token, expiresAt: sessionExpiresAt };
      }
    }
  }

  /**
   * A session token for the person the provider's ID token names (relayed by the portal with the
   * nonce it sent): provisioned on first sign-in, with the role their groups map to.
   */
  async signInWithSso(request: SsoSignInRequest): Promise<SignedIn> {
    if (!this.oidc) throw forbidden('Single sign-on is not configured here (OIDC_ISSUER).');
    const identity = await this.oidc.identity(request.idToken, request.nonce);
    const sessionExpiresAt = this.tokens.expiryOfNewSession();
    const organizationId = await this.ssoOrganizationId();
    const outcome = await signInWithIdentity(
      this.db.pool,
      {
        organizationId,
        identity,
        roleMap: this.oidc.settings.roleMap,
        defaultRole: this.oidc.settings.defaultRole,
        sessionExpiresAt,
        sourceAddress: request.sourceAddress,
      },
      this.clock,
    );
    if (outcome.kind === 'refused') throw forbidden(SSO_REFUSALS[outcome.reason]);
    // A changed role ended the person's other sessions; no replica may keep serving them.
    this.sessions.forgetUser(outcome.userId);
    const { token } = await this.tokens.issue({ userId: outcome.userId, organizationId, sessionId: outcome.sessionId }, sessionExpiresAt);
    return { userId: outcome.userId, token, expiresAt: sessionExpiresAt };
  }

  private ssoOrganization: Promise<string> | null = null;

  private ssoOrganizationId(): Promise<string> {
    const slug = this.oidc!.settings.organization;
    this.ssoOrganization ??= this.db.prisma.organization.findUnique({ where: { slug }, select: { id: true } }).then((found) => {
      if (!found) {
        this.ssoOrganization = null;
        throw forbidden(`Single sign-on signs into the organisation "${slug}" (OIDC_ORGANIZATION), which does not exist here.`);
      }
      return found.id;
    });
    return this.ssoOrganization;
  }

  /**
   * The principal for the request's credentials; null when it sent none. Credentials that are
   * present but wrong, expired or revoked are refused rather than treated as anonymous.
   */
  async authenticate(credentials: Credentials): Promise<Principal | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
    const keyToken = credentials.apiKey ?? (bearer?.startsWith('tl_') ? bearer : undefined);
    if (keyToken) return this.authenticateApiKey(keyToken);
    if (bearer && this.oidc && !isSessionToken(bearer)) return this.authenticateClient(bearer);
    if (bearer) return this.authenticateSession(bearer);
    if (credentials.authorization) throw unauthenticated('The Authorization header must be `Bearer <token>`.');
    return null;
  }

  private async authenticateSession(token: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    if (!claims) throw unauthenticated('Your session token is invalid or has expired; sign in again.');
    let user = this.sessions.get(claims.sessionId);
    if (!user) {
      user = await liveSessionUser(rawSqlOf(this.db.pool), claims.sessionId, claims.userId, this.clock.now());
      if (!user || user.organizationId !== claims.organizationId) {
        throw unauthenticated('This session has ended (signed out, password or role changed, or account disabled); sign in again.');
      }
      this.sessions.set(user);
    }
    return {
      kind: 'USER',
      id: user.userId,
      label: user.email,
      organizationId: user.organizationId,
      permissions: new Set(ROLE_PERMISSIONS[user.role as UserRole]),
      role: user.role,
      sessionId: user.sessionId,
    };
  }

  /** A machine client with the identity provider's access token; its scopes are permissions like an API key's. */
  private async authenticateClient(token: string): Promise<Principal> {
    const client = await this.oidc!.client(token);
    const verdict = await this.keyRate.take(`client:${client.clientId}`);
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
    return {
      kind: 'CLIENT',
      id: client.clientId,
      label: `oidc-client:${client.clientId}`,
      organizationId: await this.ssoOrganizationId(),
      permissions: new Set(client.scopes.filter(isPermission)),
    };
  }

  private async authenticateApiKey(token: string): Promise<Principal> {
    const parsed = parseApiKey(token);
    const key = parsed ? await this.db.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } }) : null;
    if (!parsed || !key || !secretMatches(parsed.secret, key.secretHash)) throw unauthenticated('The API key is not valid.');
    if (key.revokedAt) throw unauthenticated('The API key was revoked; ask an administrator for a new one.');
    if (key.expiresAt && key.expiresAt <= this.clock.now()) throw unauthenticated('The API key has expired; ask an administrator for a new one.');
    const verdict = await this.keyRate.take(key.id);
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
    // Recording use is best-effort, at most once a minute per key, and must not slow or fail the
    // request: gateways call many times a second.
    if (!key.lastUsedAt || this.clock.nowMs() - key.lastUsedAt.getTime() > 60_000) {
      void this.db.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: this.clock.now() } }).catch(() => undefined);
    }
    return {
      kind: 'API_KEY',
      id: key.id,
      label: `api-key:${key.name}`,
      organizationId: key.organizationId,
      permissions: new Set(key.scopes.filter(isPermission) as Permission[]),
    };
  }
}

/** Threadline's own session tokens are HS256; the provider's are signed with its asymmetric keys. */
function isSessionToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).alg === 'HS256';
  } catch {
    return true;
  }
}
