// Session tokens: HS256 JWTs (jose) naming the user, the organisation and the server-side session
// (`sid`); the session and the user's role are checked on each request (access.service.ts), so that
// signing out, a demotion or a disabled account takes effect at once.
import { jwtVerify, SignJWT } from 'jose';
import { systemClock, type Clock } from '@threadline/db/clock';

const ISSUER = 'threadline';
const AUDIENCE = 'threadline-api';

export interface TokenClaims {
  userId: string;
  organizationId: string;
  sessionId: string;
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

  /** When a session opened now ends. */
  expiryOfNewSession(): Date {
    return new Date(this.clock.nowMs() + this.ttlMinutes * 60_000);
  }

  async issue(claims: TokenClaims, expiresAt: Date): Promise<{ token: string; expiresAt: Date }> {
    const token = await new SignJWT({ org: claims.organizationId, sid: claims.sessionId })
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
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || typeof payload.sid !== 'string') return null;
      return { userId: payload.sub, organizationId: payload.org, sessionId: payload.sid };
    } catch {
      return null;
    }
  }
}
