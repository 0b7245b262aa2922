// How a version decides, read back from its stored metrics (workers/src/ml/train-model.ts): the
// threshold rule and where it came from (the run's parameters, the use case's KPI prices, or best
// F1 by default), the Platt calibration of its scores, and its figures on the validation slice the
// rule was applied to. Versions registered from outside, and detectors, have none.
import { z } from 'zod';
import type { ThresholdRule } from './training-params.ts';

const figure = z.number().nullable().optional();
const storedDecision = z.object({
  thresholdRule: z
    .object({
      kind: z.enum(['COST', 'MIN_PRECISION', 'BEST_F1']),
      missedFailure: z.number().optional(),
      falseAlarm: z.number().optional(),
      precision: z.number().optional(),
      source: z.string().default('default'),
    })
    .passthrough(),
  calibration: z.object({ a: z.number(), b: z.number() }).nullable().optional(),
  validation: z
    .object({ windows: figure, positives: figure, auc: figure, averagePrecision: figure, precision: figure, recall: figure, f1: figure, brier: figure })
    .optional(),
});

export interface VersionDecision {
  rule: ThresholdRule['kind'];
  missedFailure: number | null;
  falseAlarm: number | null;
  minPrecision: number | null;
  /** `training parameters`, `KPI <name>` or `default`. */
  source: string;
  calibration: { a: number; b: number } | null;
  validation: Record<'windows' | 'positives' | 'auc' | 'averagePrecision' | 'precision' | 'recall' | 'f1' | 'brier', number | null>;
  /** One line for people, e.g. `cost: a missed failure 10,500, a false alarm 250 (KPI Detector value)`. */
  summary: string;
}

const amount = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 2 });

export function versionDecision(metrics: unknown): VersionDecision | null {
  const parsed = storedDecision.safeParse(metrics);
  if (!parsed.success) return null;
  const { thresholdRule: r, calibration, validation } = parsed.data;
  const how =
    r.kind === 'COST'
      ? `cost: a missed failure ${amount(r.missedFailure ?? 0)}, a false alarm ${amount(r.falseAlarm ?? 0)}`
      : r.kind === 'MIN_PRECISION'
        ? `precision at least ${amount(r.precision ?? 0)}`
        : 'best F1';
  const v = validation ?? {};
  return {
    rule: r.kind,
    missedFailure: r.missedFailure ?? null,
    falseAlarm: r.falseAlarm ?? null,
    minPrecision: r.precision ?? null,
    source: r.source,
    calibration: calibration ?? null,
    validation: {
      windows: v.windows ?? null,
      positives: v.positives ?? null,
      auc: v.auc ?? null,
      averagePrecision: v.averagePrecision ?? null,
      precision: v.precision ?? null,
      recall: v.recall ?? null,
      f1: v.f1 ?? null,
      brier: v.brier ?? null,
    },
    summary: `${how} (${r.source})${calibration ? ', calibrated (Platt)' : ''}`,
  };
}
