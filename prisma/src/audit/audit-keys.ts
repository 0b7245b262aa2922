// Ed25519 keys that sign audit checkpoints and model versions: loading, the key id, development
// keys, and sign/verify of an audit chain head.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signingKeyFromPem(privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('signing keys must be Ed25519 private keys (PKCS#8 PEM)');
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function publicKeyFromPem(publicPem: string): KeyObject {
  const key = createPublicKey(publicPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('verification keys must be Ed25519 public keys (SPKI PEM)');
  return key;
}

/**
 * The public keys a process trusts: its own signing key's and any configured besides, as PEMs or
 * base64 of PEMs separated by commas or blank lines (e.g. the previous key after a rotation).
 */
export function trustedKeySet(own: SigningKey, configured: string | undefined): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>([[own.keyId, own.publicKey]]);
  for (const entry of (configured ?? '')
    .split(/,|\n\s*\n/)
    .map((e) => e.trim())
    .filter(Boolean)) {
    const key = publicKeyFromPem(entry.includes('BEGIN') ? entry : Buffer.from(entry, 'base64').toString('utf8'));
    keys.set(keyIdOf(key), key);
  }
  return keys;
}

function checkpointMessage(organizationId: string, seq: bigint, hash: string): Buffer {
  return Buffer.from(`threadline-audit-checkpoint\n${organizationId}\n${seq}\n${hash}`);
}

export function signCheckpoint(key: SigningKey, organizationId: string, seq: bigint, hash: string): string {
  return sign(null, checkpointMessage(organizationId, seq, hash), key.privateKey).toString('base64');
}

export function checkpointSignatureValid(publicKey: KeyObject, organizationId: string, seq: bigint, hash: string, signature: string): boolean {
  return verify(null, checkpointMessage(organizationId, seq, hash), publicKey, Buffer.from(signature, 'base64'));
}

/**
 * A signing key's PEM: the configured value when given (PEM or base64 of it), otherwise a
 * development key `<purpose>-signing-ed25519.pem` made once in `keyDir` and reused on later starts
 * (never in production: API and workers refuse to start there without configured keys).
 */
export function signingKeyPem(configured: string | undefined, keyDir: string, purpose: 'audit' | 'model' = 'audit'): string {
  if (configured) return configured.includes('BEGIN') ? configured : Buffer.from(configured, 'base64').toString('utf8');
  return readOrCreate(join(keyDir, `${purpose}-signing-ed25519.pem`), () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
}

/** A development secret made once in `keyDir` (e.g. the session-token HMAC key). */
export function devSecret(keyDir: string, name: string): string {
  return readOrCreate(join(keyDir, `${name}.secret`), () => randomBytes(48).toString('base64url'));
}

function readOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const value = make();
  try {
    writeFileSync(path, value, { mode: 0o600, flag: 'wx' });
    return value;
  } catch {
    // Another process made it first: use theirs, so every process signs with the same key.
    return readFileSync(path, 'utf8');
  }
}

export const DEFAULT_KEY_DIR = fileURLToPath(new URL('../../../.threadline/keys', import.meta.url));
