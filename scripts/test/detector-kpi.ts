// A use case's detector-value KPI for a model, in tests: it prices the model's threshold (a missed
// failure 6,500 + 4,000, a false alarm 250) and its backtests' value.
import type pg from 'pg';

export const DETECTOR_PRICES = { valuePerTruePositive: 6_500, costPerFalsePositive: 250, costPerMissed: 4_000 };

export async function addDetectorKpi(pool: pg.Pool, organizationId: string, useCaseId: string, modelId: string, name: string): Promise<void> {
  await pool.query(
    `INSERT INTO kpis (organization_id, use_case_id, name, kind, unit, direction, baseline, value_per_unit, computation)
     VALUES ($1, $2, $3, 'DETECTOR_VALUE', 'EUR/month', 'HIGHER_IS_BETTER', 0, 1, $4)`,
    [organizationId, useCaseId, name, { kind: 'DETECTOR_VALUE', modelId, horizonHours: 2, ...DETECTOR_PRICES, scope: {} }],
  );
}
