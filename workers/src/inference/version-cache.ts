// Loaded model versions, one ONNX session per version per process. A version is checked before its
// session is made (sha256 of the bytes, Ed25519 signature against the trusted keys); one that fails
// is never loaded and is remembered as refused, with the reason. A streaming detector's version
// (streaming-spec.ts) is checked the same way; its artifact holds settings, not a graph.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { loadVersionArtifact } from '@threadline/db/models/version-artifacts';
import { isStreamingArtifact, isStreamingSpec } from '@threadline/db/models/streaming-spec';
import { rawSqlOf } from '@threadline/db/sql';
import { OnnxRunner } from '../ml/onnx-runner.ts';

export type LoadedVersion =
  { ok: true; kind: 'ONNX'; runner: OnnxRunner; spec: FeatureSpec } | { ok: true; kind: 'STREAMING'; spec: FeatureSpec } | { ok: false; reason: string };

const MAX_VERSIONS = 32;

export class VersionCache {
  private readonly versions = new Map<string, Promise<LoadedVersion>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly trustedKeys: ReadonlyMap<string, KeyObject>,
  ) {}

  get(organizationId: string, versionId: string): Promise<LoadedVersion> {
    let loaded = this.versions.get(versionId);
    if (!loaded) {
      loaded = this.load(organizationId, versionId);
      this.versions.set(versionId, loaded);
      // A failed load (e.g. the database was away) is tried again next time; a refusal is kept.
      loaded.catch(() => this.versions.delete(versionId));
      // The oldest entry is forgotten, not released: a job may still be running it; the session is
      // freed when nothing holds it any more.
      if (this.versions.size > MAX_VERSIONS) this.versions.delete(this.versions.keys().next().value!);
    }
    return loaded;
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
    this.versions.clear();
    await Promise.all(loaded.map((v) => (v?.ok && v.kind === 'ONNX' ? v.runner.release() : undefined)));
  }
}
