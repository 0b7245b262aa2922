// A model version as a process loads it to score: its ONNX bytes and the integrity facts they are
// checked against (sha256, signature, signing key), with its feature spec parsed once. A version
// that fails any check, or whose spec is invalid, comes back refused with the reason.
import type { KeyObject } from 'node:crypto';
import { row, type RawSql } from '../sql.ts';
import { artifactRefusal } from './artifact-integrity.ts';
import { storedFeatureSpec, type FeatureSpec } from './feature-spec.ts';

export type VersionArtifact = { ok: true; onnx: Uint8Array; spec: FeatureSpec } | { ok: false; reason: string };

export async function loadVersionArtifact(
  db: RawSql,
  organizationId: string,
  versionId: string,
  trustedKeys: ReadonlyMap<string, KeyObject>,
): Promise<VersionArtifact> {
  const found = await row<{
    modelId: string;
    version: number;
    onnx: Buffer | null;
    sha256: string;
    signature: string | null;
    signingKeyId: string | null;
    featureSpec: unknown;
  }>(
    db,
    'SELECT model_id AS "modelId", version, onnx, sha256, signature, signing_key_id AS "signingKeyId", feature_spec AS "featureSpec" FROM model_versions WHERE organization_id = $1 AND id = $2',
    organizationId,
    versionId,
  );
  if (!found) return { ok: false, reason: `model version ${versionId} not found` };
  const refusal = artifactRefusal(found, found.onnx, trustedKeys);
  if (refusal) return { ok: false, reason: refusal };
  const spec = storedFeatureSpec(found.featureSpec);
  if (!spec) return { ok: false, reason: 'the stored feature spec is invalid' };
  return { ok: true, onnx: found.onnx!, spec };
}
