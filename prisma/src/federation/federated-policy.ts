// The privacy part of a model's policy (Model.policy.federated): the sites whose raw data never
// leaves them, so the model is trained federated there, and the differential-privacy budget and
// mechanism every federated run of the model keeps to. Left out: the model trains centrally.
import { z } from 'zod';

export const federatedPolicySchema = z
  .object({
    /** Codes of the sites whose raw rows stay on site; each trains locally and sends only noised updates. */
    sites: z.array(z.string().trim().min(1).max(100)).min(2).max(50),
    /** The (ε, δ) budget of a run; training stops before a round would pass it. */
    epsilon: z.number().positive().max(100).default(3),
    delta: z.number().positive().max(1e-3).default(1e-5),
    /** Each row's gradient is clipped to this L2 norm … */
    clipNorm: z.number().positive().max(100).default(1),
    /** … and every site adds Gaussian noise of sd noiseMultiplier × clipNorm to its sum, every round. */
    noiseMultiplier: z.number().min(0.5).max(10_000).default(32),
    /** Noise sd on each count of the final score histograms (sensitivity 1). */
    histogramNoise: z.number().min(0.5).max(10_000).default(8),
    maxRounds: z.number().int().min(1).max(2_000).default(400),
    /** The core's Adam step size. */
    learningRate: z.number().positive().max(10).default(0.1),
  })
  .strict()
  .refine((p) => new Set(p.sites).size === p.sites.length, { message: 'each site is named once', path: ['sites'] });

export type FederatedPolicy = z.infer<typeof federatedPolicySchema>;

/** Bins of the final score histograms. */
export const HISTOGRAM_BINS = 50;
