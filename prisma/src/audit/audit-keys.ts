// Ed25519 keys that sign audit checkpoints: loading, the key id, and sign/verify of a chain head.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function signingKeyFromPem(privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 private key (PKCS#8 PEM)');
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function publicKeyFromPem(publicPem: string): KeyObject {
  const key = createPublicKey(publicPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('audit verification keys must be Ed25519 public keys (SPKI PEM)');
  return key;
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
