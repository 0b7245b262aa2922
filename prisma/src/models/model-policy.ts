// A model's policy (Model.policy): when its insights fire, how drift is judged, and whether drift
// or a schedule retrains it and a better candidate is promoted without a person. Edited by data scientists
// (updateModel), audited like every update; every field has a default.
import { z } from 'zod';
import { federatedPolicySchema } from '../federation/federated-policy.ts';

export const modelPolicySchema = z
  .object({
    /** Score at or above which insights are raised; the version's own threshold when left out. */
    insightThreshold: z.number().min(0).max(1).optional(),
    /** Recent data the drift check looks at. */
    driftWindowHours: z
      .number()
      .min(1)
      .max(24 * 90)
      .default(24),
    /** A feature drifts when its PSI reaches this (0.1 moderate, 0.25 significant) … */
    psiThreshold: z.number().positive().max(10).default(0.25),
    /** … or its KS p-value falls below this … */
    ksAlpha: z.number().positive().max(0.5).default(0.01),
    /** … or the CUSUM of its window mean's shift across checks (in reference standard deviations, less cusumSlack per check) passes this. */
    cusumSlack: z.number().min(0).max(5).default(0.25),
    cusumThreshold: z.number().positive().max(100).default(2),
    /** The model drifts when this share of its features drift. */
    driftShare: z.number().min(0).max(1).default(0.3),
    /** A drifting model starts a training run on the last retrainWindowHours without a person. */
    autoRetrain: z.boolean().default(false),
    retrainWindowHours: z
      .number()
      .min(1)
      .max(24 * 366)
      .default(72),
    /** On a schedule, too: a training run on the last retrainWindowHours every retrainEveryHours (left out: none). */
    retrainEveryHours: z
      .number()
      .min(1)
      .max(24 * 366)
      .optional(),
    /** A challenger whose experiment finds it better (p < 0.05) by at least promoteMargin (relative improvement of the metric) is promoted without an approver. */
    autoPromote: z.boolean().default(false),
    promoteMargin: z.number().min(0).max(1).default(0.05),
    /** Sites whose raw data never leaves them: the model is then trained federated, with differential privacy (federated-policy.ts). */
    federated: federatedPolicySchema.optional(),
  })
  .strict()
  .refine((p) => !p.federated || (!p.autoRetrain && p.retrainEveryHours === undefined), {
    message: 'a federated model is retrained by a new federated run, not by autoRetrain or retrainEveryHours',
    path: ['federated'],
  });
