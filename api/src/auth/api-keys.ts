// API keys look like `tl_<prefix>_<secret>`: the prefix finds the row, the secret is stored only
// as its SHA-256 (a random 256-bit secret needs no slow hash).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NewApiKey {
  prefix: string;
  secret: string;
  token: string;
  secretHash: string;
}

export function newApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secret, token: `tl_${prefix}_${secret}`, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function parseApiKey(token: string): { prefix: string; secret: string } | null {
  const match = /^tl_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
