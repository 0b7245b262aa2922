// Where a training run's data comes from: the model's asset type's numeric properties and assets,
// their telemetry, attributes and incidents, and the values of categorical inputs, bound to one organisation. The workers' model code takes
// it as it is and never reads the database itself.
import type pg from 'pg';
import { rawSqlOf, rows } from '../sql.ts';
import { loadCategories, seriesLoaderOf, type SeriesLoader } from '../telemetry/feature-series.ts';
import type { CategoricalInput } from './feature-spec.ts';
import { incidentLoaderOf, type IncidentLoader } from '../telemetry/incident-spans.ts';
import { numericProperties, type PropertyRange } from './scoring.ts';
import { verdictLoaderOf, type VerdictLoader } from '../insights/verdicts.ts';

export interface TrainingSource {
  /** The asset type's numeric properties, by name. */
  properties(): Promise<PropertyRange[]>;
  /** The asset type's assets by code, or only those of `only`. */
  assets(only: readonly string[] | null): Promise<string[]>;
  series: SeriesLoader;
  incidents: IncidentLoader;
  /** Operators' verdicts on insights, as label spans. */
  verdicts: VerdictLoader;
  /** The values a categorical input takes on the assets over (after, upTo], sorted. */
  categories(input: Pick<CategoricalInput, 'source' | 'name'>, assetIds: readonly string[], range: { after: number; upTo: number }): Promise<string[]>;
}

export function trainingSourceOf(pool: pg.Pool, organizationId: string, assetTypeId: string | null): TrainingSource {
  const db = rawSqlOf(pool);
  return {
    properties: () => numericProperties(db, organizationId, assetTypeId),
    assets: async (only) =>
      (
        await rows<{ id: string }>(
          db,
          'SELECT id FROM assets WHERE organization_id = $1 AND asset_type_id = $2 AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[])) ORDER BY code',
          organizationId,
          assetTypeId,
          only,
        )
      ).map((a) => a.id),
    series: seriesLoaderOf(pool, organizationId),
    incidents: incidentLoaderOf(pool, organizationId),
    verdicts: verdictLoaderOf(pool, organizationId),
    categories: (input, assetIds, range) => loadCategories(pool, organizationId, input, assetIds, range),
  };
}
