// Integrity of model artifacts: the sha256 of the ONNX bytes and an Ed25519 signature over
// (model, version, sha256). A version is loaded only when both check out against a trusted key.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../audit/audit-keys.ts';

export interface SignedArtifact {
  modelId: string;
  version: number;
  sha256: string;
  signature: string | null;
  signingKeyId: string | null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function message(modelId: string, version: number, sha256: string): Buffer {
  return Buffer.from(`threadline-model-version\n${modelId}\n${version}\n${sha256}`);
}

export function signArtifact(key: SigningKey, modelId: string, version: number, sha256: string): string {
  return sign(null, message(modelId, version, sha256), key.privateKey).toString('base64');
}

/** Why the artifact must not be loaded, or null when its bytes and signature check out. */
export function artifactRefusal(artifact: SignedArtifact, onnx: Uint8Array | null, trustedKeys: ReadonlyMap<string, KeyObject>): string | null {
  if (!onnx || onnx.length === 0) return 'the version has no ONNX bytes';
  const actual = sha256Hex(onnx);
  if (actual !== artifact.sha256) return `ONNX bytes hash to ${actual.slice(0, 12)}…, not the registered ${artifact.sha256.slice(0, 12)}…`;
  if (!artifact.signature || !artifact.signingKeyId) return 'the version is not signed';
  const key = trustedKeys.get(artifact.signingKeyId);
  if (!key) return `signed with key ${artifact.signingKeyId}, which is not trusted here`;
  if (!verify(null, message(artifact.modelId, artifact.version, artifact.sha256), key, Buffer.from(artifact.signature, 'base64'))) {
    return 'the signature does not verify';
  }
  return null;
}
