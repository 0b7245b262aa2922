// threadline-edge as an edge target runs it, for tests: a folder with a signed bundle of a stored
// version, the signing public key and readings as CSV; the command run on it; its scores read back.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { createBundle, type EdgeBundle } from '@threadline/db/models/edge-bundle';

/** A model_versions row with its model's name and task, as the tests select it. */
export interface StoredVersion {
  id: string;
  model_id: string;
  name: string;
  task: string;
  version: number;
  family: string;
  threshold: number;
  sha256: string;
  signature: string;
  signing_key_id: string;
  feature_spec: never;
  onnx: Uint8Array;
}

/** The command and script that run threadline-edge from the source tree. */
export const EDGE_COMMAND = [
  fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)),
  fileURLToPath(new URL('../../workers/src/edge/threadline-edge.ts', import.meta.url)),
] as const;

export interface EdgeFolder {
  dir: string;
  bundle: EdgeBundle;
  /** threadline-edge with these arguments; `bundle.json`, `key.pem` and `readings.csv` are in `dir`. */
  run(...args: string[]): SpawnSyncReturns<string>;
  /** `threadline-edge score` of the folder's bundle and readings. */
  score(): SpawnSyncReturns<string>;
}

export function edgeFolder(
  signingKey: SigningKey,
  version: StoredVersion,
  deployment: { id: string; target: string; assetAttributes?: Record<string, Record<string, string>> },
  readings: readonly { asset: string; signal: string; t: number | string; value: number }[],
): EdgeFolder {
  const bundle = createBundle(
    signingKey,
    {
      deploymentId: deployment.id,
      edgeTarget: { id: deployment.target, name: deployment.target, kind: 'INDUSTRIAL_PC' },
      modelId: version.model_id,
      modelName: version.name,
      task: version.task,
      versionId: version.id,
      version: version.version,
      family: version.family,
      threshold: version.threshold,
      sha256: version.sha256,
      signature: version.signature,
      signingKeyId: version.signing_key_id,
      featureSpec: version.feature_spec,
      ...(deployment.assetAttributes ? { assetAttributes: deployment.assetAttributes } : {}),
      issuedAt: new Date().toISOString(),
    },
    version.onnx,
  );
  const dir = mkdtempSync(join(tmpdir(), 'tl-edge-'));
  writeFileSync(join(dir, 'readings.csv'), ['asset,signal,time,value', ...readings.map((r) => `${r.asset},${r.signal},${r.t},${r.value}`)].join('\n'));
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
  writeFileSync(join(dir, 'key.pem'), signingKey.publicKey.export({ type: 'spki', format: 'pem' }));
  const run = (...args: string[]) => spawnSync(EDGE_COMMAND[0], [EDGE_COMMAND[1], ...args], { encoding: 'utf8' });
  return { dir, bundle, run, score: () => run('score', join(dir, 'bundle.json'), join(dir, 'readings.csv'), '--public-key', join(dir, 'key.pem')) };
}

/** threadline-edge's scores by `asset@windowEnd` (epoch ms). */
export function edgeScores(stdout: string): Map<string, number> {
  return new Map(
    stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .map(([asset, end, score]) => [`${asset}@${Date.parse(end!)}`, Number(score)]),
  );
}
