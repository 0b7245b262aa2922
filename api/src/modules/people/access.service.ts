// Sign-in, authentication of each request (session token or API key), and the audited commands
// that manage users and API keys.
import type { PrismaClient } from '@threadline/db/client';
import type { Principal } from '../../auth/principal.ts';
import { ROLE_PERMISSIONS, isPermission, type Permission } from '../../auth/permissions.ts';
import { verifyPassword } from '@threadline/db/passwords';
import { parseApiKey, secretMatches } from '../../auth/api-keys.ts';
import type { TokenService } from '../../auth/tokens.ts';
import { rateLimited, unauthenticated } from '../../common/errors.ts';
import type { RateLimiter } from '../../security/rate-limiter.ts';
import { systemClock, type Clock } from '@threadline/db/clock';

/** A fixed hash so that an unknown e-mail costs as much time as a wrong password. */
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

export class AccessService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly tokens: TokenService,
    private readonly keyRate: RateLimiter,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The user for a correct e-mail and password, or null; never says which of the two was wrong. */
  async checkPassword(email: string, password: string) {
    const user = await this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
    const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
    return ok && user && !user.disabledAt ? user : null;
  }

  issueToken(user: { id: string; organizationId: string }) {
    return this.tokens.issue({ userId: user.id, organizationId: user.organizationId });
  }

  /**
   * The principal for the request's credentials; null when it sent none. Credentials that are
   * present but wrong, expired or revoked are refused rather than treated as anonymous.
   */
  async authenticate(credentials: Credentials): Promise<Principal | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
    const keyToken = credentials.apiKey ?? (bearer?.startsWith('tl_') ? bearer : undefined);
    if (keyToken) return this.authenticateApiKey(keyToken);
    if (bearer) return this.authenticateSession(bearer);
    if (credentials.authorization) throw unauthenticated('The Authorization header must be `Bearer <token>`.');
    return null;
  }

  private async authenticateSession(token: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    if (!claims) throw unauthenticated('Your session token is invalid or has expired; sign in again.');
    const user = await this.prisma.user.findFirst({ where: { id: claims.userId, organizationId: claims.organizationId } });
    if (!user || user.disabledAt) throw unauthenticated('This account is disabled or no longer exists.');
    return {
      kind: 'USER',
      id: user.id,
      label: user.email,
      organizationId: user.organizationId,
      permissions: new Set(ROLE_PERMISSIONS[user.role]),
      role: user.role,
    };
  }

  private async authenticateApiKey(token: string): Promise<Principal> {
    const parsed = parseApiKey(token);
    const key = parsed ? await this.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } }) : null;
    if (!parsed || !key || !secretMatches(parsed.secret, key.secretHash)) throw unauthenticated('The API key is not valid.');
    if (key.revokedAt) throw unauthenticated('The API key was revoked; ask an administrator for a new one.');
    if (key.expiresAt && key.expiresAt <= this.clock.now()) throw unauthenticated('The API key has expired; ask an administrator for a new one.');
    const verdict = await this.keyRate.take(key.id);
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
    // Recording use is best-effort, at most once a minute per key, and must not slow or fail the
    // request: gateways call many times a second.
    if (!key.lastUsedAt || this.clock.nowMs() - key.lastUsedAt.getTime() > 60_000) {
      void this.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: this.clock.now() } }).catch(() => undefined);
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
