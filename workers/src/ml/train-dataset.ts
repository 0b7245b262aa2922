// A training run over an imported dataset (prisma/src/models/datasets.ts): the table read as it was
// checked on import, trained as `npm run ml -- train` trains it (train-table.ts), and the result as
// a version to register with a table spec, so its lineage, signature and registry entry are those
// of every other version.
import { readLabelledTable } from '@threadline/db/models/labelled-table';
import type { StoredDataset } from '@threadline/db/models/datasets';
import type { TableSpec } from '@threadline/db/models/table-spec';
import type { TrainingParams } from '@threadline/db/models/training-params';
import { trainTable, type TableFamily } from './train-table.ts';
import { TrainingRefused, type RunRule } from './train-model.ts';

const FAMILY: Record<NonNullable<TrainingParams['family']>, TableFamily | null> = {
  AUTO: 'auto',
  LOGISTIC: 'logistic',
  MLP: 'mlp',
  GBT: 'gbt',
  ANOMALY_ZSCORE: null,
  STREAMING: null,
  CNN: null,
};

export interface DatasetVersion {
  family: string;
  onnx: Uint8Array;
  featureSpec: TableSpec;
  threshold: number;
  metrics: Record<string, unknown>;
}

/** Trains on the dataset: `family` narrows the search (all families without it or with AUTO), `searchDerived` turns on the derived-feature search. */
export async function trainOnDataset(dataset: StoredDataset, name: string, params: TrainingParams, runRule: RunRule): Promise<DatasetVersion> {
  const family = params.family ? FAMILY[params.family] : 'auto';
  if (!family) throw new TrainingRefused('anomaly detectors learn telemetry; train a classifier on a dataset');
  const table = readLabelledTable(dataset.content, dataset.options);
  let trained: Awaited<ReturnType<typeof trainTable>>;
  try {
    trained = await trainTable(table, {
      family,
      timed: Boolean(dataset.options.time),
      seed: params.seed,
      name,
      rule: runRule.rule,
      ruleSource: runRule.source,
      derive: params.searchDerived,
    });
  } catch (error) {
    // A table too small or too lopsided to split stays so however often the run is retried.
    throw new TrainingRefused(error instanceof Error ? error.message : String(error));
  }
  return {
    family: trained.family,
    onnx: trained.onnx,
    featureSpec: {
      version: 1,
      kind: 'TABLE',
      datasetId: dataset.id,
      label: dataset.options.label,
      time: dataset.options.time ?? null,
      drop: dataset.options.drop ?? [],
      encoding: trained.encoding,
      reference: trained.reference,
    },
    threshold: trained.threshold,
    metrics: { ...trained.metrics, dataset: dataset.name },
  };
}
