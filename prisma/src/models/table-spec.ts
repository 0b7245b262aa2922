// The input spec of a version trained on a labelled table (a dataset, or `npm run ml`): the
// table's columns as the graph takes them (numeric, one-hot categories, derived features) and the
// reference per feature, stored as the version's feature spec. Telemetry inference does not load
// such a version (version-artifacts.ts); backtests over a dataset and `npm run ml -- score` do.
import { z } from 'zod';
import { derivedFeatureSchema, featureNames, type FeatureSpec } from './feature-spec.ts';
import { featureNamesOf, type TableEncoding } from './labelled-table.ts';
import type { ImageSpec } from '../vision/image-spec.ts';

const encodingSchema = z.object({
  numeric: z.array(z.string()),
  categorical: z.array(z.object({ name: z.string(), categories: z.array(z.string()) })),
  derived: z.array(derivedFeatureSchema).optional(),
});

export const tableSpecSchema = z
  .object({
    version: z.literal(1),
    kind: z.literal('TABLE'),
    /** The dataset it was trained on, when trained through the API. */
    datasetId: z.uuid().nullable(),
    label: z.string(),
    time: z.string().nullable(),
    drop: z.array(z.string()),
    encoding: encodingSchema,
    reference: z.array(z.number()),
  })
  .refine((s) => s.reference.length === featureNamesOf(s.encoding as TableEncoding).length, {
    message: 'reference needs one value per feature',
    path: ['reference'],
  });

export type TableSpec = z.infer<typeof tableSpecSchema>;

export function storedTableSpec(raw: unknown): TableSpec | null {
  const spec = tableSpecSchema.safeParse(raw);
  return spec.success ? spec.data : null;
}

/** The graph's input names of any kind of spec (a vision model's one input is its image). */
export function inputNames(spec: FeatureSpec | TableSpec | ImageSpec): string[] {
  if (!('kind' in spec)) return featureNames(spec);
  return spec.kind === 'IMAGE' ? [`image ${spec.size}×${spec.size} grey`] : featureNamesOf(spec.encoding as TableEncoding);
}
