// A training run's parameters (TrainingRun.params) and their defaults: checked by the API when a
// run is requested and again by the worker that trains it.
import { z } from 'zod';
import { AGGREGATES, categoricalInputSchema, derivedFeatureSchema } from './feature-spec.ts';

export const MODEL_FAMILIES = ['LOGISTIC', 'MLP', 'GBT', 'ANOMALY_ZSCORE', 'STREAMING', 'CNN'] as const;

export const DEFAULT_CLASSIFIER_PARAMS = { epochs: 400, learningRate: 0.05, l2: 1e-3, hiddenUnits: 8, seed: 7 } as const;

const DEFAULT_HORIZON_MINUTES = 120;

/**
 * How a classifier's decision threshold is chosen on its validation rows: by the prices of a missed
 * failure and of a false alarm (the threshold that earns most), by a minimum precision (the most
 * recall that keeps it), or the best F1 (workers/src/ml/decision-threshold.ts).
 */
export const thresholdRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('COST'), missedFailure: z.number().nonnegative(), falseAlarm: z.number().nonnegative() }).strict(),
  z.object({ kind: z.literal('MIN_PRECISION'), precision: z.number().min(0).max(1) }).strict(),
  z.object({ kind: z.literal('BEST_F1') }).strict(),
]);
export type ThresholdRule = z.infer<typeof thresholdRuleSchema>;

/** A vision model's training (family CNN); `imageTrainingSchema.parse({})` gives the defaults. */
export const imageTrainingSchema = z
  .object({
    /** Side of the square frames are resized to (three 2×2 poolings halve it, four at 128, so a multiple of 8). */
    size: z.int().min(16).max(128).multipleOf(8).default(128),
    epochs: z.int().min(1).max(200).default(30),
    learningRate: z.number().positive().max(0.1).default(0.005),
    batchSize: z.int().min(2).max(256).default(16),
    /** Only these cameras' frames (train and score); all when absent. */
    cameras: z.array(z.string().min(1)).min(1).max(32).optional(),
  })
  .strict();

export const trainingParamsSchema = z
  .object({
    /** A family, or AUTO: logistic regression, the MLP at three seeds and boosted trees of three shapes, chosen on validation. */
    family: z.enum([...MODEL_FAMILIES, 'AUTO']).optional(),
    signals: z.array(z.string().min(1)).min(1).max(64).optional(),
    aggregates: z.array(z.enum(AGGREGATES)).min(1).default(['mean', 'std', 'max', 'slope']),
    /**
     * Categorical inputs, one-hot over the values seen in the data window: a state signal of the
     * asset type (the product grade running) or an asset attribute (model_number, manufacturer,
     * line, site, or a `key=value` tag's key).
     */
    categorical: z
      .array(categoricalInputSchema.pick({ source: true, name: true }).strict())
      .max(8)
      .default([]),
    /** Derived features declared by the user, over `signal.aggregate` names, e.g. product of `spindle_load.mean` and `spindle_speed.mean`. */
    derived: z.array(derivedFeatureSchema).max(16).default([]),
    /** Search pairwise derived features on the validation slice and keep those that improve it (classifiers). */
    searchDerived: z.boolean().default(false),
    /** The threshold rule; without it, the prices of the use case's detector-value KPI for this model, else best F1. */
    thresholdRule: thresholdRuleSchema.optional(),
    /** STREAMING: the lowest threshold that keeps false-alarm episodes per asset-day on the data window within this. */
    targetFalseAlarmsPerDay: z.number().positive().max(1_000).optional(),
    windowSeconds: z.number().int().min(10).max(86_400).default(600),
    stepSeconds: z.number().int().min(1).max(3_600).default(10),
    trainingStepSeconds: z.number().int().min(1).max(3_600).default(60),
    horizonMinutes: z
      .number()
      .min(1)
      .max(7 * 24 * 60)
      .default(DEFAULT_HORIZON_MINUTES),
    assetIds: z.array(z.uuid()).max(10_000).optional(),
    epochs: z.number().int().min(1).max(5_000).default(DEFAULT_CLASSIFIER_PARAMS.epochs),
    learningRate: z.number().positive().max(1).default(DEFAULT_CLASSIFIER_PARAMS.learningRate),
    l2: z.number().min(0).max(10).default(DEFAULT_CLASSIFIER_PARAMS.l2),
    hiddenUnits: z.number().int().min(1).max(128).default(DEFAULT_CLASSIFIER_PARAMS.hiddenUnits),
    seed: z.number().int().default(DEFAULT_CLASSIFIER_PARAMS.seed),
    /** CNN (a vision model, trained on the labelled camera frames of the model's asset type in the data window). */
    image: imageTrainingSchema.optional(),
  })
  .strict();
export type TrainingParams = z.infer<typeof trainingParamsSchema>;

/** How far ahead a version's labels look (its run's horizon), in ms: what its predictions are judged against. */
export function horizonMsOf(runParams: unknown): number {
  return (trainingParamsSchema.safeParse(runParams ?? {}).data?.horizonMinutes ?? DEFAULT_HORIZON_MINUTES) * 60_000;
}

/** The schema's complaints in one line. */
export function trainingParamsProblems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
}
