// The feature spec stored with every model version: which signals of the asset type, over what
// window, which aggregates, and the reference value of each feature. Training, the cloud workers
// and the edge command all compute features from it with the same code (workers/src/ml/features.ts).
import { z } from 'zod';

export const AGGREGATES = ['mean', 'std', 'min', 'max', 'last', 'slope'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** How a derived feature combines two features: left × right, left / right (0 where right is 0), left − right, left + right. */
export const DERIVED_OPERATIONS = ['product', 'ratio', 'difference', 'sum'] as const;
export type DerivedOperation = (typeof DERIVED_OPERATIONS)[number];
const OPERATOR: Record<DerivedOperation, string> = { product: '*', ratio: '/', difference: '-', sum: '+' };

export const derivedFeatureSchema = z
  .object({
    op: z.enum(DERIVED_OPERATIONS),
    /** Names of two features computed before it, e.g. `spindle_load.mean`. */
    left: z.string().min(1).max(200),
    right: z.string().min(1).max(200),
  })
  .strict();
export type DerivedFeature = z.infer<typeof derivedFeatureSchema>;

/** A derived feature's name, e.g. `spindle_load.mean*spindle_speed.mean`. */
export const derivedName = (d: DerivedFeature): string => `${d.left}${OPERATOR[d.op]}${d.right}`;

/** Problems with derived features over `base` feature names: each must combine two of them, once. */
export function derivedProblems(base: readonly string[], derived: readonly DerivedFeature[]): string[] {
  const problems = derived.flatMap((d) =>
    [d.left, d.right].filter((n) => !base.includes(n)).map((n) => `${derivedName(d)} names ${n}, which is not a feature`),
  );
  const names = derived.map(derivedName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  return twice ? [...problems, `${twice} is derived twice`] : problems;
}

const CATEGORICAL_SOURCES = ['SIGNAL', 'ASSET'] as const;
/** The most categories one categorical input may have (one input each). */
export const MAX_CATEGORIES = 64;

/**
 * A categorical input, one-hot over the categories seen in training: SIGNAL, a state signal's value
 * at the window end (its last point at or before it, e.g. the product grade running), or ASSET, an
 * attribute of the asset (its model number, manufacturer, line, site or a tag's value). A value not
 * seen in training, or none, sets none of its inputs, so the window still scores.
 */
export const categoricalInputSchema = z
  .object({
    source: z.enum(CATEGORICAL_SOURCES),
    name: z.string().min(1).max(120),
    categories: z.array(z.string().max(200)).min(1).max(MAX_CATEGORIES),
  })
  .strict();
export type CategoricalInput = z.infer<typeof categoricalInputSchema>;

/** A categorical input's features' names, e.g. `product_grade=2`, `asset.model_number=DMU 65`. */
export const categoryNames = (c: Pick<CategoricalInput, 'source' | 'name' | 'categories'>): string[] =>
  c.categories.map((k) => `${c.source === 'ASSET' ? 'asset.' : ''}${c.name}=${k}`);

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
    /** Categorical inputs, one-hot, after the aggregates in input order. */
    categorical: z.array(categoricalInputSchema).max(8).optional(),
    /** STREAMING: the streaming anomaly detector scores the signals' samples (streaming-spec.ts); the aggregates are `last`. */
    detector: z.literal('STREAMING').optional(),
    /** Features computed from two of the aggregates (products, ratios, differences, sums), last in input order. */
    derived: z.array(derivedFeatureSchema).max(32).optional(),
    /**
     * One value per feature: what stands for "no information". A signal without points in a window
     * takes it, and explanations occlude a feature by replacing it with it.
     */
    reference: z.array(z.number()),
  })
  .refine((s) => s.reference.length === featureNames(s).length, {
    message: 'reference needs one value per feature (signals × aggregates, one per category, then one per derived feature)',
    path: ['reference'],
  })
  .refine((s) => derivedProblems(aggregateNames(s), s.derived ?? []).length === 0, {
    message: 'each derived feature combines two aggregates of the spec, once',
    path: ['derived'],
  })
  .refine((s) => new Set(s.signals.map((x) => x.name)).size === s.signals.length, {
    message: 'signal names must be distinct',
    path: ['signals'],
  })
  .refine((s) => (s.categorical ?? []).every((c) => new Set(c.categories).size === c.categories.length), {
    message: "a categorical input's categories must be distinct",
    path: ['categorical'],
  });

export type FeatureSpec = z.infer<typeof featureSpecSchema>;
export type SignalSpec = z.infer<typeof signalSpec>;

/** What names a spec's features (the schema's own checks take it before a FeatureSpec exists). */
interface SpecShape {
  signals: readonly SignalSpec[];
  aggregates: readonly Aggregate[];
  categorical?: readonly CategoricalInput[] | undefined;
  derived?: readonly DerivedFeature[] | undefined;
}

/** The aggregate features' names: signal-major, e.g. `spindle_vibration.mean`. */
export function aggregateNames(spec: { signals: readonly { name: string }[]; aggregates: readonly string[] }): string[] {
  return spec.signals.flatMap((s) => spec.aggregates.map((a) => `${s.name}.${a}`));
}

/** Feature names in input order: the aggregates, one per category, then the derived features. */
export function featureNames(spec: SpecShape): string[] {
  return [...aggregateNames(spec), ...(spec.categorical ?? []).flatMap(categoryNames), ...(spec.derived ?? []).map(derivedName)];
}

/** How many one-hot features the spec's categorical inputs give. */
export const categoryCount = (spec: Pick<SpecShape, 'categorical'>): number => (spec.categorical ?? []).reduce((n, c) => n + c.categories.length, 0);

/** The signals the spec reads: its numeric signals, then the state signals of its categorical inputs. */
export function inputSignalNames(spec: Pick<SpecShape, 'signals' | 'categorical'>): string[] {
  return [...spec.signals.map((s) => s.name), ...stateSignalNames(spec)];
}

export const stateSignalNames = (spec: Pick<SpecShape, 'categorical'>): string[] =>
  (spec.categorical ?? []).filter((c) => c.source === 'SIGNAL').map((c) => c.name);

export const assetAttributeNames = (spec: Pick<SpecShape, 'categorical'>): string[] =>
  (spec.categorical ?? []).filter((c) => c.source === 'ASSET').map((c) => c.name);

/**
 * What a feature shows: the signal (or a derived feature's name), its aggregate (or operation, or
 * `category` for a one-hot input named `name=value`) and its unit.
 */
export function featureParts(spec: SpecShape, index: number): { signal: string; aggregate: string; unit: string | null } {
  const base = spec.signals.length * spec.aggregates.length;
  const categories = categoryCount(spec);
  if (index >= base + categories) {
    const derived = spec.derived![index - base - categories]!;
    return { signal: derivedName(derived), aggregate: derived.op, unit: derivedUnit(spec, derived) };
  }
  if (index >= base) return { signal: (spec.categorical ?? []).flatMap(categoryNames)[index - base]!, aggregate: 'category', unit: null };
  const signal = spec.signals[Math.floor(index / spec.aggregates.length)]!;
  const aggregate = spec.aggregates[index % spec.aggregates.length]!;
  return { signal: signal.name, aggregate, unit: aggregateUnit(signal, aggregate) };
}

/** The unit an aggregate is stated in: the signal's, per minute for slopes. */
function aggregateUnit(signal: SignalSpec, aggregate: Aggregate): string | null {
  if (aggregate !== 'slope') return signal.unit;
  return signal.unit ? `${signal.unit}/min` : '/min';
}

function derivedUnit(spec: SpecShape, derived: DerivedFeature): string | null {
  const names = aggregateNames(spec);
  const [left, right] = [derived.left, derived.right].map((n) => featureParts(spec, names.indexOf(n)).unit);
  switch (derived.op) {
    case 'sum':
    case 'difference':
      return left === right ? (left ?? null) : null;
    case 'product':
      return left && right ? `${left}·${right}` : (left ?? right ?? null);
    case 'ratio':
      return left && right ? (left === right ? null : `${left}/${right}`) : (left ?? null);
  }
}

/** A version's stored feature spec, parsed: null when it is not a valid spec (such a version is never scored). */
export function storedFeatureSpec(raw: unknown): FeatureSpec | null {
  const spec = featureSpecSchema.safeParse(raw);
  return spec.success ? spec.data : null;
}
