// A model trained from a table (train-table.ts), as files a data scientist keeps and ships:
// `model.onnx`, `model.json` (family, features and their encoding, reference, threshold, the table
// options, and the Ed25519 signature over the ONNX bytes' sha256) and `metrics.json`; and scoring a
// table with them, after checking the bytes and the signature against the trusted keys.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { artifactRefusal, sha256Hex, signArtifact } from '@threadline/db/models/artifact-integrity';
import { encodeRecord, recordsToScore, type TableEncoding, type TableOptions } from '@threadline/db/models/labelled-table';
import { scoreAllRows } from './onnx-runner.ts';
import type { TableModel } from './train-table.ts';

export interface TableModelManifest {
  name: string;
  family: string;
  features: string[];
  encoding: TableEncoding;
  reference: number[];
  threshold: number;
  table: TableOptions;
  sha256: string;
  signature: string;
  signingKeyId: string;
}

/** The signed model's identity: its name stands for the registry's model id, version 1. */
const identity = (name: string) => ({ modelId: `table:${name}`, version: 1 });

export function writeTableModel(dir: string, name: string, trained: TableModel, table: TableOptions, key: SigningKey): void {
  mkdirSync(dir, { recursive: true });
  const sha256 = sha256Hex(trained.onnx);
  const { modelId, version } = identity(name);
  const manifest: TableModelManifest = {
    name,
    family: trained.family,
    features: trained.features,
    encoding: trained.encoding,
    reference: trained.reference,
    threshold: trained.threshold,
    table,
    sha256,
    signature: signArtifact(key, modelId, version, sha256),
    signingKeyId: key.keyId,
  };
  writeFileSync(join(dir, 'model.onnx'), trained.onnx);
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'metrics.json'), `${JSON.stringify(trained.metrics, null, 2)}\n`);
}

/** `score,flag` for every row of the table, in order; refuses a model that does not verify and a table with unreadable cells. */
export async function scoreTable(dir: string, tableText: string, trustedKeys: ReadonlyMap<string, KeyObject>): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TableModelManifest;
  const onnx = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  const refusal = artifactRefusal(
    { ...identity(manifest.name), sha256: manifest.sha256, signature: manifest.signature, signingKeyId: manifest.signingKeyId },
    onnx,
    trustedKeys,
  );
  if (refusal) throw new Error(`the model in ${dir} is refused: ${refusal}`);
  const records = recordsToScore(tableText, manifest.encoding);
  const scores = await scoreAllRows(
    onnx,
    manifest.features.length,
    records.map((r) => encodeRecord(manifest.encoding, r)),
  );
  const lines = ['score,flag', ...scores.map((score) => `${score.toPrecision(7)},${score >= manifest.threshold ? 1 : 0}`)];
  return `${lines.join('\n')}\n`;
}
