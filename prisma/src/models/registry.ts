// The model registry's writes, shared by the API (users) and the workers (training runs): register
// a signed version, publish a signing key, and move an alias (and the deployments following it,
// recorded in the assignment history; moving the champion ends the model's running experiments).
// Each write appends its audit event in the caller's transaction.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { ModelVersion } from '../client.ts';
import { row, written, type RawSql } from '../sql.ts';
import { Refusal } from '../refusal.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import type { SigningKey } from '../audit/audit-keys.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { inputNames, type TableSpec } from './table-spec.ts';
import type { ImageSpec } from '../vision/image-spec.ts';
import { sha256Hex, signArtifact } from './artifact-integrity.ts';
import { announceDeployments, recordAssignment } from './deployments.ts';
import { CHAMPION_ALIAS, endExperimentsOnChampionMove } from './experiments.ts';

export interface NewVersion {
  organizationId: string;
  modelId: string;
  family: string;
  onnx: Uint8Array;
  /** Telemetry windows' spec, a table's (table-spec.ts) or frames' (vision/image-spec.ts). */
  featureSpec: FeatureSpec | TableSpec | ImageSpec;
  threshold: number;
  metrics: Record<string, unknown>;
  referenceProfile: unknown;
  parentVersionId?: string | null;
  trainingRunId?: string | null;
  registeredById?: string | null;
}

export interface RegisteredVersion {
  id: string;
  version: number;
  sha256: string;
  signingKeyId: string;
}

/** Publishes the public half of a model signing key (idempotent). */
export async function publishSigningKey(db: RawSql, key: SigningKey, development: boolean): Promise<void> {
  await db.$executeRawUnsafe(
    'INSERT INTO model_signing_keys (key_id, public_key, development) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING',
    key.keyId,
    key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    development,
  );
}

/** Registers the next version of a model: hashes, signs, stores, audits. */
export async function registerVersion(db: RawSql, input: NewVersion, key: SigningKey, actor: AuditActor): Promise<RegisteredVersion> {
  const [model] = await db.$queryRawUnsafe<{ id: string }[]>(
    'SELECT id FROM models WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    input.organizationId,
    input.modelId,
  );
  if (!model) throw new Error(`model ${input.modelId} not found`);
  const [{ next }] = (await db.$queryRawUnsafe<{ next: number }[]>(
    'SELECT coalesce(max(version), 0)::int + 1 AS next FROM model_versions WHERE model_id = $1::uuid',
    input.modelId,
  )) as [{ next: number }];
  const sha256 = sha256Hex(input.onnx);
  const signature = signArtifact(key, input.modelId, next, sha256);
  const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO model_versions (organization_id, model_id, version, family, threshold, onnx, sha256, signature, signing_key_id,
                                 feature_spec, metrics, reference_profile, parent_version_id, training_run_id, registered_by_id)
     VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13::uuid, $14::uuid, $15::uuid) RETURNING id`,
    input.organizationId,
    input.modelId,
    next,
    input.family,
    input.threshold,
    Buffer.from(input.onnx),
    sha256,
    signature,
    key.keyId,
    JSON.stringify(input.featureSpec),
    JSON.stringify(input.metrics),
    JSON.stringify(input.referenceProfile ?? {}),
    input.parentVersionId ?? null,
    input.trainingRunId ?? null,
    input.registeredById ?? null,
  );
  await db.$executeRawUnsafe(
    'UPDATE models SET features = $3, updated_at = now() WHERE organization_id = $1::uuid AND id = $2::uuid',
    input.organizationId,
    input.modelId,
    inputNames(input.featureSpec),
  );
  await appendAuditEvent(db, {
    organizationId: input.organizationId,
    type: 'model_version.created',
    actor,
    subjectType: 'model_version',
    subjectId: row!.id,
    payload: {
      modelId: input.modelId,
      version: next,
      family: input.family,
      sha256,
      signingKeyId: key.keyId,
      trainingRunId: input.trainingRunId ?? null,
      parentVersionId: input.parentVersionId ?? null,
      threshold: input.threshold,
    },
  });
  return { id: row!.id, version: next, sha256, signingKeyId: key.keyId };
}

/**
 * Points an alias at a version and moves every live deployment that follows the alias, recording
 * each move in the assignment history; returns the deployments moved.
 */
export async function moveAlias(
  db: RawSql,
  organizationId: string,
  modelId: string,
  alias: string,
  versionId: string,
  actor: AuditActor,
  evidence: Record<string, JsonValue> = {},
): Promise<string[]> {
  const [previous] = await db.$queryRawUnsafe<{ model_version_id: string }[]>(
    'SELECT model_version_id FROM model_aliases WHERE model_id = $1::uuid AND alias = $2 FOR UPDATE',
    modelId,
    alias,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO model_aliases (organization_id, model_id, alias, model_version_id, updated_by_id) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5::uuid)
     ON CONFLICT (model_id, alias) DO UPDATE SET previous_version_id = model_aliases.model_version_id, model_version_id = EXCLUDED.model_version_id,
       updated_by_id = EXCLUDED.updated_by_id, updated_at = now()`,
    organizationId,
    modelId,
    alias,
    versionId,
    actor.kind === 'USER' ? actor.id : null,
  );
  const moved = await db.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE deployments d SET model_version_id = $4::uuid, status = CASE WHEN d.status = 'FALLBACK' THEN 'ACTIVE'::deployment_status ELSE d.status END,
            status_reason = NULL, updated_at = now()
       FROM model_versions v
      WHERE d.organization_id = $1::uuid AND d.alias = $3 AND d.status <> 'RETIRED' AND v.id = d.model_version_id AND v.model_id = $2::uuid
        AND d.model_version_id <> $4::uuid
      RETURNING d.id`,
    organizationId,
    modelId,
    alias,
    versionId,
  );
  for (const d of moved) await recordAssignment(db, organizationId, d.id, versionId, `alias ${alias} moved`, actor);
  if (moved.length > 0) await announceDeployments(db, organizationId);
  await appendAuditEvent(db, {
    organizationId,
    type: 'model_alias.moved',
    actor,
    subjectType: 'model',
    subjectId: modelId,
    payload: { alias, from: previous?.model_version_id ?? null, to: versionId, deploymentsMoved: moved.map((d) => d.id), ...evidence },
  });
  if (alias === CHAMPION_ALIAS) await endExperimentsOnChampionMove(db, organizationId, modelId, versionId, actor);
  return moved.map((d) => d.id);
}

/** Retires a version no alias names and no live deployment runs; it stays in the registry for lineage and audit. */
export async function retireVersion(db: RawSql, organizationId: string, versionId: string, actor: AuditActor): Promise<ModelVersion> {
  const version = await row<{ version: number; retired: boolean; aliases: string[]; live: number }>(
    db,
    `SELECT v.version, v.retired_at IS NOT NULL AS retired,
            coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM model_aliases a WHERE a.model_version_id = v.id), '{}') AS aliases,
            (SELECT count(*)::int FROM deployments d WHERE d.model_version_id = v.id AND d.status <> 'RETIRED') AS live
       FROM model_versions v WHERE v.organization_id = $1::uuid AND v.id = $2::uuid FOR UPDATE`,
    organizationId,
    versionId,
  );
  if (!version) throw new Refusal(`ModelVersion ${versionId} does not exist in your organisation.`, 'id', 'NOT_FOUND');
  if (version.retired) throw new Refusal('The version is already retired.', 'id', 'CONFLICT');
  if (version.aliases.length > 0) throw new Refusal(`Alias ${version.aliases.join(', ')} still names this version; move it first.`, 'id', 'CONFLICT');
  if (version.live > 0) throw new Refusal(`${version.live} live deployment(s) run this version; retire them first.`, 'id', 'CONFLICT');
  const retired = await written<ModelVersion>(
    db,
    'UPDATE model_versions SET retired_at = now() WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING *',
    organizationId,
    versionId,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'model_version.retired',
    actor,
    subjectType: 'model_version',
    subjectId: versionId,
    payload: { version: version.version },
  });
  return retired!;
}
