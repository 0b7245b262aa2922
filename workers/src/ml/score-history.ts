// Scoring a labelled history through a version's own graph for its backtest (backtest.ts has the
// figures): a dataset's rows encoded as the version's table spec says (its categories, its derived
// features), or telemetry windows over the asset type's assets built as training builds them
// (dataset.ts: the one features.ts, labels from incidents within the version's horizon).
import { encodeRecord, LABELS, recordsToScore } from '@threadline/db/models/labelled-table';
import type { StoredDataset } from '@threadline/db/models/datasets';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import type { TableSpec } from '@threadline/db/models/table-spec';
import type { TrainingSource } from '@threadline/db/models/training-data';
import type { TableEncoding } from '@threadline/db/models/labelled-table';
import type { Incident } from '@threadline/db/telemetry/incident-spans';
import { buildDataset } from './dataset.ts';
import { scoreAllRows } from './onnx-runner.ts';
import type { ScoredWindow } from './backtest.ts';

/** The dataset's rows scored by a table version, with their labels; refuses a dataset that lacks the version's columns or has bad cells (TableRefused). */
export async function scoreDataset(onnx: Uint8Array, spec: TableSpec, dataset: StoredDataset): Promise<{ scores: number[]; labels: number[] }> {
  const encoding = spec.encoding as TableEncoding;
  const label = dataset.options.label;
  const records = recordsToScore(dataset.content, encoding, label);
  const rows = records.map((r) => encodeRecord(encoding, r));
  return { scores: await scoreAllRows(onnx, spec.reference.length, rows), labels: records.map((r) => LABELS[r.get(label)!.toLowerCase()]!) };
}

/** Telemetry windows of the asset type's assets over [from, to) scored by a version, and the incidents they are judged against. */
export async function scoreTelemetry(
  source: TrainingSource,
  onnx: Uint8Array,
  spec: FeatureSpec,
  request: { from: Date; to: Date; stepSeconds: number; horizonMinutes: number },
): Promise<{ windows: ScoredWindow[]; incidents: Incident[] }> {
  const assetIds = await source.assets(null);
  const { train, holdout } = await buildDataset(source, spec, { assetIds, ...request });
  const all = {
    rows: [...train.rows, ...holdout.rows],
    labels: [...train.labels, ...holdout.labels],
    windowEnds: [...train.windowEnds, ...holdout.windowEnds],
    assetIds: [...train.assetIds, ...holdout.assetIds],
  };
  const scores = await scoreAllRows(onnx, spec.reference.length, all.rows);
  const incidents = await source.incidents(assetIds, request.from.getTime(), request.to.getTime() + request.horizonMinutes * 60_000);
  return {
    windows: scores.map((score, i) => ({ assetId: all.assetIds[i]!, windowEnd: all.windowEnds[i]!, score, label: all.labels[i]! })),
    incidents: incidents.filter((i) => i.start >= request.from.getTime() && i.start < request.to.getTime()),
  };
}
