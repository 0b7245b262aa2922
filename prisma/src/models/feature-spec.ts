// The feature spec stored with every model version: which signals of the asset type, over what
// window, which aggregates, and the reference value of each feature. Training, the cloud workers
// and the edge command all compute features from it with the same code (workers/src/ml/features.ts).
import { z } from 'zod';

export const AGGREGATES = ['mean', 'std', 'min', 'max', 'last', 'slope'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

const signalSpec = z.object({
  /** The asset type property (and signal) name, e.g. `spindle_vibration`. */
  name: z.string().min(1).max(120),
  unit: z.string().max(40).nullable(),
  /** The property's normal range, for fallback rules. */
  min: z.number().nullable(),
  max: z.number().nullable(),
});

export const featureSpecSchema = z
  .object({
    version: z.literal(1),
    /** Features of a window end t cover the points with time in (t - windowSeconds, t]. */
    windowSeconds: z.number().int().min(1).max(86_400),
    /** Windows end on multiples of stepSeconds (epoch seconds): the scoring grid. */
    stepSeconds: z.number().int().min(1).max(86_400),
    signals: z.array(signalSpec).min(1).max(64),
    aggregates: z.array(z.enum(AGGREGATES)).min(1).max(AGGREGATES.length),
    /**
     * One value per feature: what stands for "no information". A signal without points in a window
     * takes it, and explanations occlude a feature by replacing it with it.
     */
    reference: z.array(z.number()),
  })
  .refine((s) => s.reference.length === s.signals.length * s.aggregates.length, {
    message: 'reference needs one value per feature (signals × aggregates)',
    path: ['reference'],
  })
  .refine((s) => new Set(s.signals.map((x) => x.name)).size === s.signals.length, {
    message: 'signal names must be distinct',
    path: ['signals'],
  });

export type FeatureSpec = z.infer<typeof featureSpecSchema>;
export type SignalSpec = FeatureSpec['signals'][number];

/** Feature names in input order: signal-major, e.g. `spindle_vibration.mean`. */
export function featureNames(spec: Pick<FeatureSpec, 'signals' | 'aggregates'>): string[] {
  return spec.signals.flatMap((s) => spec.aggregates.map((a) => `${s.name}.${a}`));
}

/** The signal a feature is computed from and its aggregate. */
export function featureParts(spec: Pick<FeatureSpec, 'signals' | 'aggregates'>, index: number): { signal: SignalSpec; aggregate: Aggregate } {
  return { signal: spec.signals[Math.floor(index / spec.aggregates.length)]!, aggregate: spec.aggregates[index % spec.aggregates.length]! };
}

/** The unit a feature is stated in: the signal's, per minute for slopes. */
export function featureUnit(spec: Pick<FeatureSpec, 'signals' | 'aggregates'>, index: number): string | null {
  const { signal, aggregate } = featureParts(spec, index);
  if (aggregate !== 'slope') return signal.unit;
  return signal.unit ? `${signal.unit}/min` : '/min';
}

/** A version's stored feature spec, parsed: null when it is not a valid spec (such a version is never scored). */
export function storedFeatureSpec(raw: unknown): FeatureSpec | null {
  const spec = featureSpecSchema.safeParse(raw);
  return spec.success ? spec.data : null;
}
