// Session tokens: HS256 JWTs (jose) naming the user and organisation; the role is re-read from the
// database on each request so that a demotion or a disabled account takes effect at once.
import { jwtVerify, SignJWT } from 'jose';
import { systemClock, type Clock } from '@threadline/db/clock';

const ISSUER = 'threadline';
const AUDIENCE = 'threadline-api';

export interface TokenClaims {
  userId: string;
  organizationId: string;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlMinutes: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(this.clock.nowMs() + this.ttlMinutes * 60_000);
    const token = await new SignJWT({ org: claims.organizationId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt };
  }

  /** The claims of a valid token, or null for an invalid, expired or foreign one. */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
      return { userId: payload.sub, organizationId: payload.org };
    } catch {
      return null;
    }
  }
}
