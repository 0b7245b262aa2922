// Loaded model versions, one ONNX session per version per process. A version is checked before its
// session is made (sha256 of the bytes, Ed25519 signature against the trusted keys); one that fails
// is never loaded and is remembered as refused, with the reason. A streaming detector's version
// (streaming-spec.ts) is checked the same way; its artifact holds settings, not a graph. Vision
// versions (image spec) are loaded apart, for the frame-inference job.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { loadImageArtifact, loadVersionArtifact } from '@threadline/db/models/version-artifacts';
import type { ImageSpec } from '@threadline/db/vision/image-spec';
import { isStreamingArtifact, isStreamingSpec } from '@threadline/db/models/streaming-spec';
import { rawSqlOf } from '@threadline/db/sql';
import { OnnxRunner } from '../ml/onnx-runner.ts';
import { VisionRunner } from '../vision/vision-runner.ts';

export type LoadedVersion =
  { ok: true; kind: 'ONNX'; runner: OnnxRunner; spec: FeatureSpec } | { ok: true; kind: 'STREAMING'; spec: FeatureSpec } | { ok: false; reason: string };

const MAX_VERSIONS = 32;

export type LoadedVision = { ok: true; runner: VisionRunner; spec: ImageSpec } | { ok: false; reason: string };

export class VersionCache {
  private readonly versions = new Map<string, Promise<LoadedVersion>>();
  private readonly visions = new Map<string, Promise<LoadedVision>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly trustedKeys: ReadonlyMap<string, KeyObject>,
  ) {}

  get(organizationId: string, versionId: string): Promise<LoadedVersion> {
    return cached(this.versions, versionId, () => this.load(organizationId, versionId));
  }

  /** A vision version (image spec), checked the same way. */
  getVision(organizationId: string, versionId: string): Promise<LoadedVision> {
    return cached(this.visions, versionId, async () => {
      const artifact = await loadImageArtifact(rawSqlOf(this.pool), organizationId, versionId, this.trustedKeys);
      if (!artifact.ok) return artifact;
      try {
        return { ok: true, runner: await VisionRunner.load(artifact.onnx, artifact.spec.size), spec: artifact.spec };
      } catch (error) {
        return { ok: false, reason: `onnxruntime cannot load the graph: ${error instanceof Error ? error.message : String(error)}` };
      }
    });
  }

  private async load(organizationId: string, versionId: string): Promise<LoadedVersion> {
    const artifact = await loadVersionArtifact(rawSqlOf(this.pool), organizationId, versionId, this.trustedKeys);
    if (!artifact.ok) return artifact;
    if (isStreamingSpec(artifact.spec)) {
      return isStreamingArtifact(artifact.onnx)
        ? { ok: true, kind: 'STREAMING', spec: artifact.spec }
        : { ok: false, reason: 'the artifact is not a streaming detector' };
    }
    try {
      return { ok: true, kind: 'ONNX', runner: await OnnxRunner.load(artifact.onnx, artifact.spec.reference.length), spec: artifact.spec };
    } catch (error) {
      return { ok: false, reason: `onnxruntime cannot load the graph: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Releases every session; call when no job runs any more. */
  async close(): Promise<void> {
    const loaded = await Promise.all([...this.versions.values()].map((v) => v.catch(() => null)));
    const visions = await Promise.all([...this.visions.values()].map((v) => v.catch(() => null)));
    this.versions.clear();
    this.visions.clear();
    await Promise.all([
      ...loaded.map((v) => (v?.ok && v.kind === 'ONNX' ? v.runner.release() : undefined)),
      ...visions.map((v) => (v?.ok ? v.runner.release() : undefined)),
    ]);
  }
}

/** The entry of `versionId`, loading it when missing. */
function cached<T>(entries: Map<string, Promise<T>>, versionId: string, load: () => Promise<T>): Promise<T> {
  let loaded = entries.get(versionId);
  if (!loaded) {
    loaded = load();
    entries.set(versionId, loaded);
    // A failed load (e.g. the database was away) is tried again next time; a refusal is kept.
    loaded.catch(() => entries.delete(versionId));
    // The oldest entry is forgotten, not released: a job may still be running it; the session is
    // freed when nothing holds it any more.
    if (entries.size > MAX_VERSIONS) entries.delete(entries.keys().next().value!);
  }
  return loaded;
}
