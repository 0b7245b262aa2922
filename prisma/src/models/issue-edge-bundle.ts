// Issues a deployment's signed edge bundle: the version's verified ONNX and everything its edge
// agent needs to run without the core: the feature spec, the assets it scores with the signals it
// reads locally (by protocol and address, with the ids the core knows them by), the asset
// attributes the spec's categorical inputs read, and the asset type's ranges for its fail-safe
// fallback rules. Audited.
import type { KeyObject } from 'node:crypto';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { SigningKey } from '../audit/audit-keys.ts';
import { Refusal } from '../refusal.ts';
import { rows, type RawSql } from '../sql.ts';
import { artifactRefusal } from './artifact-integrity.ts';
import { assetsScoredBy, scopedAssetAttributes } from './deployment-scope.ts';
import { createBundle, type BundleAsset, type EdgeBundle } from './edge-bundle.ts';
import { assetAttributeNames, type FeatureSpec } from './feature-spec.ts';
import { numericProperties } from './scoring.ts';

interface DeploymentRow {
  id: string;
  status: string;
  targetId: string;
  targetName: string;
  targetKind: string;
  versionId: string;
  modelId: string;
  modelName: string;
  task: string;
  version: number;
  family: string;
  threshold: number;
  sha256: string;
  signature: string | null;
  signingKeyId: string | null;
  featureSpec: FeatureSpec;
  onnx: Uint8Array | null;
  assetTypeId: string | null;
}

export interface IssuedBundle {
  fileName: string;
  bundle: EdgeBundle;
}

export async function issueEdgeBundle(
  db: RawSql,
  keys: { signing: SigningKey; trusted: ReadonlyMap<string, KeyObject> },
  organizationId: string,
  deploymentId: string,
  actor: AuditActor,
  now: Date,
  /** Another version of the deployment's model (an over-the-air update); the deployment's own by default. */
  versionId: string | null = null,
): Promise<IssuedBundle> {
  const [d] = await rows<DeploymentRow>(
    db,
    `SELECT d.id, d.status, e.id AS "targetId", e.name AS "targetName", e.kind::text AS "targetKind", v.id AS "versionId", m.id AS "modelId",
            m.name AS "modelName", m.task::text AS task, v.version, v.family, v.threshold, v.sha256, v.signature, v.signing_key_id AS "signingKeyId",
            v.feature_spec AS "featureSpec", v.onnx, m.asset_type_id AS "assetTypeId"
       FROM deployments d
       JOIN edge_targets e ON e.organization_id = d.organization_id AND e.id = d.edge_target_id
       JOIN model_versions current ON current.organization_id = d.organization_id AND current.id = d.model_version_id
       JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = coalesce($3::uuid, d.model_version_id) AND v.model_id = current.model_id
       JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
      WHERE d.organization_id = $1 AND d.id = $2::uuid`,
    organizationId,
    deploymentId,
    versionId,
  );
  if (!d) throw new Refusal(`No deployment ${deploymentId}${versionId ? ` with a version ${versionId} of its model` : ''}.`, 'deploymentId', 'NOT_FOUND');
  if (d.status === 'RETIRED') throw new Refusal('The deployment is retired.', 'deploymentId', 'CONFLICT');
  const refusal = artifactRefusal(
    { modelId: d.modelId, version: d.version, sha256: d.sha256, signature: d.signature, signingKeyId: d.signingKeyId },
    d.onnx,
    keys.trusted,
  );
  if (refusal) throw new Refusal(`The stored artifact fails verification (${refusal}); no bundle is issued.`, 'deploymentId', 'CONFLICT');
  const spec = d.featureSpec;
  const attributeNames = assetAttributeNames(spec);
  const assetAttributes = attributeNames.length > 0 ? await scopedAssetAttributes(db, organizationId, d.id, attributeNames) : undefined;
  const properties = await numericProperties(db, organizationId, d.assetTypeId, true);
  const bundle = createBundle(
    keys.signing,
    {
      deploymentId: d.id,
      edgeTarget: { id: d.targetId, name: d.targetName, kind: d.targetKind },
      modelId: d.modelId,
      modelName: d.modelName,
      task: d.task,
      versionId: d.versionId,
      version: d.version,
      family: d.family,
      threshold: d.threshold,
      sha256: d.sha256,
      signature: d.signature!,
      signingKeyId: d.signingKeyId!,
      featureSpec: spec,
      ...(assetAttributes ? { assetAttributes } : {}),
      assets: await bundleAssets(db, organizationId, d.id, [...new Set([...spec.signals.map((s) => s.name), ...properties.map((p) => p.name)])]),
      fallbackRules: { windowSeconds: spec.windowSeconds, stepSeconds: spec.stepSeconds, properties },
      issuedAt: now.toISOString(),
    },
    d.onnx!,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'deployment.bundle_issued',
    actor,
    subjectType: 'deployment',
    subjectId: d.id,
    payload: { versionId: d.versionId, sha256: d.sha256, edgeTarget: d.targetName },
  });
  return { fileName: `${d.targetName}-${d.modelName.replace(/[^A-Za-z0-9]+/g, '-')}-v${d.version}.tlbundle.json`, bundle };
}

/** The assets the deployment scores, by code, with their signals named `names` (what the agent subscribes to). */
async function bundleAssets(db: RawSql, organizationId: string, deploymentId: string, names: readonly string[]): Promise<Record<string, BundleAsset>> {
  const found = await rows<{ assetId: string; code: string; signalId: string; name: string; protocol: string; address: string }>(
    db,
    `SELECT a.id AS "assetId", a.code, s.id AS "signalId", s.name, s.source_protocol::text AS protocol, s.source_address AS address
       FROM assets a JOIN signals s ON s.organization_id = a.organization_id AND s.asset_id = a.id AND s.name = ANY($3::text[])
      WHERE a.organization_id = $1 AND a.id = ANY($2::uuid[])
      ORDER BY a.code, s.name`,
    organizationId,
    await assetsScoredBy(db, organizationId, deploymentId),
    names,
  );
  const assets: Record<string, BundleAsset> = {};
  for (const r of found) {
    const asset = (assets[r.code] ??= { id: r.assetId, signals: {} });
    asset.signals[r.name] = { id: r.signalId, protocol: r.protocol, address: r.address };
  }
  return assets;
}
