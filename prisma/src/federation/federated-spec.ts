// What a federated run trains on, stated by the data scientist without seeing a row: the label
// column, the numeric columns with their public bounds (from the instruments' ranges), and the
// categorical columns with their categories. The bounds make the features' scaling public, so it
// costs no privacy: each numeric column maps [min, max] onto [-1, 1] and a category's indicator
// {0, 1} onto {-1, 1}; a site clips what falls outside before it trains.
import { z } from 'zod';
import { derivedFeatureSchema } from '../models/feature-spec.ts';
import { encodeRecord, featureNamesOf, LABELS, type TableEncoding } from '../models/labelled-table.ts';

const column = z.string().trim().min(1).max(200);
const bounds = { min: z.number(), max: z.number() };
const ordered = (c: { min: number; max: number }) => Number.isFinite(c.min) && Number.isFinite(c.max) && c.min < c.max;
const minBelowMax = { message: 'min must be below max' };

export const federatedSpecSchema = z
  .object({
    label: column,
    numeric: z.array(z.object({ name: column, ...bounds }).refine(ordered, minBelowMax)).max(200),
    categorical: z.array(z.object({ name: column, categories: z.array(z.string().max(200)).min(1).max(100) })).max(50),
    /** Features derived from two columns (e.g. power as load × speed), with their own public bounds. */
    derived: z
      .array(z.object({ ...derivedFeatureSchema.shape, ...bounds }).refine(ordered, minBelowMax))
      .max(32)
      .default([]),
  })
  .refine((s) => s.numeric.length + s.categorical.length > 0, { message: 'name at least one numeric or categorical column' })
  .refine((s) => s.derived.every((d) => [d.left, d.right].every((n) => s.numeric.some((c) => c.name === n))), {
    message: 'a derived feature combines two numeric columns of the spec',
  })
  .refine(
    (s) => {
      const names = [s.label, ...s.numeric.map((c) => c.name), ...s.categorical.map((c) => c.name)];
      return new Set(names).size === names.length;
    },
    { message: 'each column is named once (and the label is not a feature)' },
  );

export type FederatedSpec = z.infer<typeof federatedSpecSchema>;

export function encodingOf(spec: FederatedSpec): TableEncoding {
  return { numeric: spec.numeric.map((c) => c.name), categorical: spec.categorical, derived: spec.derived.map(({ op, left, right }) => ({ op, left, right })) };
}

export function featureCountOf(spec: FederatedSpec): number {
  return featureNamesOf(encodingOf(spec)).length;
}

/** The public scaling of raw features onto [-1, 1] (the model's standardizer). */
export function boundsScaling(spec: FederatedSpec): { center: number[]; scale: number[] } {
  const ones = spec.categorical.flatMap((c) => c.categories.map(() => 0.5));
  const mid = (c: { min: number; max: number }) => (c.min + c.max) / 2;
  const half = (c: { min: number; max: number }) => (c.max - c.min) / 2;
  return {
    center: [...spec.numeric.map(mid), ...ones, ...spec.derived.map(mid)],
    scale: [...spec.numeric.map(half), ...ones, ...spec.derived.map(half)],
  };
}

export interface SiteRows {
  /** Scaled and clipped features, each in [-1, 1]. */
  rows: Float64Array[];
  labels: number[];
  /** Rows left out (an unreadable label or number). */
  skipped: number;
}

/** A site's records as the features it trains on; records with an unreadable label or numeric cell are left out. */
export function siteRowsOf(spec: FederatedSpec, records: readonly ReadonlyMap<string, string>[]): SiteRows {
  const encoding = encodingOf(spec);
  const { center, scale } = boundsScaling(spec);
  const out: SiteRows = { rows: [], labels: [], skipped: 0 };
  for (const record of records) {
    const label = LABELS[(record.get(spec.label) ?? '').trim().toLowerCase()];
    const raw = encodeRecord(encoding, record);
    const blank = spec.numeric.some((c) => (record.get(c.name) ?? '').trim() === '');
    if (label === undefined || blank || raw.some((v) => !Number.isFinite(v))) {
      out.skipped += 1;
      continue;
    }
    out.rows.push(raw.map((v, f) => Math.max(-1, Math.min(1, (v - center[f]!) / scale[f]!))));
    out.labels.push(label);
  }
  return out;
}
