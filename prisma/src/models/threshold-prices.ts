// The prices a failure-risk model's decision threshold is set by when its use case values it: the
// DETECTOR_VALUE KPI that names the model (value/kpi-computation.ts) says what a foreseen failure
// saves, what a false alarm costs and what a missed failure costs. Flagging a window of failure
// probability p earns p × saved − (1 − p) × false alarm, leaving it costs p × missed, so the price
// of a miss is the saving plus the missed cost, and the threshold that earns most follows from it.
import { kpiComputationSchema } from '../value/kpi-computation.ts';
import { rows, type RawSql } from '../sql.ts';
import type { ThresholdRule } from './training-params.ts';

export interface PricedRule {
  rule: Extract<ThresholdRule, { kind: 'COST' }>;
  kpi: { id: string; name: string };
  /** The KPI's prices as stated: a foreseen failure's saving, a false alarm's and a missed failure's cost. */
  prices: { saved: number; falseAlarm: number; missed: number };
}

/** The cost rule from the model's detector-value KPI (the first by name when several), or null. */
export async function kpiThresholdRule(db: RawSql, organizationId: string, modelId: string): Promise<PricedRule | null> {
  const found = await rows<{ id: string; name: string; computation: unknown }>(
    db,
    `SELECT id, name, computation FROM kpis
      WHERE organization_id = $1 AND computation->>'kind' = 'DETECTOR_VALUE' AND computation->>'modelId' = $2 ORDER BY name`,
    organizationId,
    modelId,
  );
  for (const kpi of found) {
    const computation = kpiComputationSchema.safeParse(kpi.computation);
    if (!computation.success || computation.data.kind !== 'DETECTOR_VALUE') continue;
    const c = computation.data;
    return {
      rule: { kind: 'COST', missedFailure: c.valuePerTruePositive + c.costPerMissed, falseAlarm: c.costPerFalsePositive },
      kpi: { id: kpi.id, name: kpi.name },
      prices: { saved: c.valuePerTruePositive, falseAlarm: c.costPerFalsePositive, missed: c.costPerMissed },
    };
  }
  return null;
}
