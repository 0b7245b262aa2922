// A model version as a process loads it to score: its ONNX bytes and the integrity facts they are
// checked against (sha256, signature, signing key), with its feature spec parsed once (telemetry
// windows' for inference, a table's for backtests over a dataset, an image spec for frames). A version that fails any check,
// or whose spec is not of the kind asked for, comes back refused with the reason.
import type { KeyObject } from 'node:crypto';
import { row, type RawSql } from '../sql.ts';
import { artifactRefusal } from './artifact-integrity.ts';
import { storedFeatureSpec, type FeatureSpec } from './feature-spec.ts';
import { storedTableSpec, type TableSpec } from './table-spec.ts';
import { storedImageSpec, type ImageSpec } from '../vision/image-spec.ts';

export type VersionArtifact<S = FeatureSpec> = { ok: true; onnx: Uint8Array; spec: S } | { ok: false; reason: string };

export async function loadVersionArtifact(
  db: RawSql,
  organizationId: string,
  versionId: string,
  trustedKeys: ReadonlyMap<string, KeyObject>,
): Promise<VersionArtifact> {
  const artifact = await verifiedArtifact(db, organizationId, versionId, trustedKeys);
  if (!artifact.ok) return artifact;
  const spec = storedFeatureSpec(artifact.spec);
  if (spec) return { ok: true, onnx: artifact.onnx, spec };
  if (storedTableSpec(artifact.spec)) return { ok: false, reason: 'the version was trained on a table; it scores tables, not telemetry windows' };
  if (storedImageSpec(artifact.spec)) return { ok: false, reason: 'the version is a vision model; it scores camera frames, not telemetry windows' };
  return { ok: false, reason: 'the stored feature spec is invalid' };
}

/** A version trained on a table, verified, for scoring a dataset. */
export async function loadTableArtifact(
  db: RawSql,
  organizationId: string,
  versionId: string,
  trustedKeys: ReadonlyMap<string, KeyObject>,
): Promise<VersionArtifact<TableSpec>> {
  const artifact = await verifiedArtifact(db, organizationId, versionId, trustedKeys);
  if (!artifact.ok) return artifact;
  const spec = storedTableSpec(artifact.spec);
  return spec ? { ok: true, onnx: artifact.onnx, spec } : { ok: false, reason: 'the version was not trained on a table' };
}

/** A vision version, verified, for scoring frames. */
export async function loadImageArtifact(
  db: RawSql,
  organizationId: string,
  versionId: string,
  trustedKeys: ReadonlyMap<string, KeyObject>,
): Promise<VersionArtifact<ImageSpec>> {
  const artifact = await verifiedArtifact(db, organizationId, versionId, trustedKeys);
  if (!artifact.ok) return artifact;
  const spec = storedImageSpec(artifact.spec);
  return spec ? { ok: true, onnx: artifact.onnx, spec } : { ok: false, reason: 'the version is not a vision model' };
}

async function verifiedArtifact(
  db: RawSql,
  organizationId: string,
  versionId: string,
  trustedKeys: ReadonlyMap<string, KeyObject>,
): Promise<VersionArtifact<unknown>> {
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
  return { ok: true, onnx: found.onnx!, spec: found.featureSpec };
}
