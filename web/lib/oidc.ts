// The portal as the OpenID Connect client of the plant's identity provider (a backend for the
// frontend, RFC 9700): the authorisation-code flow with PKCE (S256), state and nonce runs on the
// server, the provider's tokens never reach the browser, and the API turns the ID token into a
// Threadline session. Which provider and client id come from the API (signInOptions), the client
// secret from OIDC_CLIENT_SECRET. The flow's secrets wait for the provider's answer in a sealed
// (AES-256-GCM), httpOnly cookie scoped to the callback that lives ten minutes.
import 'server-only';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { graphql } from './graphql';

export interface SignInOptions {
  password: boolean;
  sso: { displayName: string; issuer: string; clientId: string } | null;
}

export interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
}

export const PENDING_COOKIE = 'tl_oidc';
export const CALLBACK_PATH = '/auth/oidc/callback';
export const PENDING_SECONDS = 600;

/**
 * Where the browser reaches the portal: PORTAL_URL when set (behind a proxy), else the Host the
 * browser sent (Next.js's own URL names localhost whatever the browser used, and cookies are kept
 * per host).
 */
export function portalOrigin(request: Request): string {
  if (process.env.PORTAL_URL) return new URL(process.env.PORTAL_URL).origin;
  const url = new URL(request.url);
  return `${url.protocol}//${request.headers.get('host') ?? url.host}`;
}

export function signInOptions(): Promise<SignInOptions> {
  return graphql<{ signInOptions: SignInOptions }>('{ signInOptions { password sso { displayName issuer clientId } } }', {}, '').then((d) => d.signInOptions);
}

const configurations = new Map<string, Promise<client.Configuration>>();

function clientSecret(): string {
  const secret = process.env.OIDC_CLIENT_SECRET;
  if (!secret) throw new Error('Single sign-on needs OIDC_CLIENT_SECRET (the portal client secret at the identity provider).');
  return secret;
}

/** The provider's configuration, discovered once per issuer (plain HTTP only on this machine's loopback). */
export function providerConfiguration(sso: NonNullable<SignInOptions['sso']>): Promise<client.Configuration> {
  const key = `${sso.issuer} ${sso.clientId}`;
  let configuration = configurations.get(key);
  if (!configuration) {
    const issuer = new URL(sso.issuer);
    const loopback = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    configuration = client.discovery(issuer, sso.clientId, clientSecret(), undefined, loopback ? { execute: [client.allowInsecureRequests] } : undefined);
    configuration.catch(() => configurations.delete(key));
    configurations.set(key, configuration);
  }
  return configuration;
}

export async function startSignIn(configuration: client.Configuration, redirectUri: string): Promise<{ url: URL; pending: PendingSignIn }> {
  const pending = { codeVerifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: 'openid email profile groups',
    code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { url, pending };
}

/** The ID token for the provider's answer, after checking state, PKCE and nonce. */
export async function finishSignIn(configuration: client.Configuration, callbackUrl: URL, pending: PendingSignIn): Promise<string> {
  const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  });
  return tokens.id_token!;
}

function sealingKey(): Buffer {
  return createHash('sha256').update(`threadline-portal-oidc:${clientSecret()}`).digest();
}

export function seal(pending: PendingSignIn): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The pending sign-in, or null when the cookie is missing, forged or from another secret. */
export function unseal(sealed: string | undefined): PendingSignIn | null {
  if (!sealed) return null;
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as PendingSignIn;
  } catch {
    return null;
  }
}
