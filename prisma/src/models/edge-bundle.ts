// Signed edge bundles: everything an edge target needs to run a deployment's model offline (the
// ONNX bytes, the feature spec, the version's own signature) under a manifest signed with the
// registry's key. `threadline-edge` verifies a bundle before it scores anything with it.
import { sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { SigningKey } from '../audit/audit-keys.ts';
import { artifactRefusal } from './artifact-integrity.ts';
import { featureSpecSchema, type FeatureSpec } from './feature-spec.ts';
import type { PropertyRange } from './scoring.ts';

export const BUNDLE_FORMAT = 'threadline-edge-bundle/1';
/** The edge agent's version (threadline-edge run), reported in its heartbeats and packaged for the orchestrators. */
export const EDGE_AGENT_VERSION = '1.0.0';

/** A signal an edge agent reads on site: where the plant publishes it, and its id at the core. */
export interface BundleSignal {
  id: string;
  protocol: string;
  address: string;
}

/** An asset the deployment scores, with its signals by name. */
export interface BundleAsset {
  id: string;
  signals: Record<string, BundleSignal>;
}

/** The asset type's normal ranges, which the agent scores by when no model verifies (fail-safe). */
export interface FallbackRules {
  windowSeconds: number;
  stepSeconds: number;
  properties: PropertyRange[];
}

export interface BundleManifest {
  deploymentId: string;
  edgeTarget: { id: string; name: string; kind: string };
  modelId: string;
  modelName: string;
  task: string;
  versionId: string;
  version: number;
  family: string;
  threshold: number;
  sha256: string;
  /** The version's signature over (model, version, sha256) and its key. */
  signature: string;
  signingKeyId: string;
  featureSpec: FeatureSpec;
  /** With asset-attribute inputs in the spec: those attributes of the deployment's assets, by asset code. */
  assetAttributes?: Record<string, Record<string, string>>;
  /** The assets scored, by code (bundles issued since the edge agent; older ones lack them). */
  assets?: Record<string, BundleAsset>;
  fallbackRules?: FallbackRules;
  issuedAt: string;
  /** The key that signed this manifest. */
  bundleKeyId: string;
}

export interface EdgeBundle {
  format: typeof BUNDLE_FORMAT;
  manifest: BundleManifest;
  manifestSignature: string;
  onnx: string;
}

function manifestBytes(manifest: BundleManifest): Buffer {
  return Buffer.from(`threadline-edge-bundle\n${canonicalize(manifest)}`);
}

export function createBundle(key: SigningKey, manifest: Omit<BundleManifest, 'bundleKeyId'>, onnx: Uint8Array): EdgeBundle {
  const full: BundleManifest = { ...manifest, bundleKeyId: key.keyId };
  return {
    format: BUNDLE_FORMAT,
    manifest: full,
    manifestSignature: sign(null, manifestBytes(full), key.privateKey).toString('base64'),
    onnx: Buffer.from(onnx).toString('base64'),
  };
}

/**
 * `trustedManifest` on a refusal: the manifest's own signature verified but its model did not (a
 * tampered ONNX, say), so what the manifest says (assets, fallback rules) may still be acted on.
 */
export type VerifiedBundle = { ok: true; manifest: BundleManifest; onnx: Uint8Array } | { ok: false; reason: string; trustedManifest?: BundleManifest };

/** Checks the manifest's signature, the ONNX bytes' hash and the version's own signature. */
export function verifyBundle(raw: unknown, trustedKeys: ReadonlyMap<string, KeyObject>): VerifiedBundle {
  const bundle = raw as Partial<EdgeBundle> | null;
  if (!bundle || bundle.format !== BUNDLE_FORMAT || !bundle.manifest || typeof bundle.onnx !== 'string' || typeof bundle.manifestSignature !== 'string') {
    return { ok: false, reason: `not a ${BUNDLE_FORMAT} file` };
  }
  const manifest = bundle.manifest;
  const key = trustedKeys.get(manifest.bundleKeyId);
  if (!key) return { ok: false, reason: `the bundle is signed with key ${manifest.bundleKeyId}, which is not trusted` };
  if (!verify(null, manifestBytes(manifest), key, Buffer.from(bundle.manifestSignature, 'base64')))
    return { ok: false, reason: 'the manifest signature does not verify' };
  const onnx = new Uint8Array(Buffer.from(bundle.onnx, 'base64'));
  const refusal = artifactRefusal(
    { modelId: manifest.modelId, version: manifest.version, sha256: manifest.sha256, signature: manifest.signature, signingKeyId: manifest.signingKeyId },
    onnx,
    trustedKeys,
  );
  if (refusal) return { ok: false, reason: refusal, trustedManifest: manifest };
  const spec = featureSpecSchema.safeParse(manifest.featureSpec);
  if (!spec.success) return { ok: false, reason: 'the feature spec is invalid', trustedManifest: manifest };
  return { ok: true, manifest: { ...manifest, featureSpec: spec.data }, onnx };
}
