// Labelled training windows from the plant's own record: features on a grid over the data window
// for every asset of the model's type, labelled 1 when an incident on the asset starts within the
// horizon after the window end. Windows that overlap an incident (the asset is down) or that the
// models may not score (features.ts: a signal covering less than half the window) are left out. The last 30 % of the window in time is the holdout.
import type pg from 'pg';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { computeFeatures, gridEnds, scorable } from './features.ts';
import { loadSeries } from './series.ts';

export interface Dataset {
  rows: Float64Array[];
  labels: number[];
  windowEnds: number[];
  assetIds: string[];
}

export interface DatasetRequest {
  organizationId: string;
  assetIds: string[];
  from: Date;
  to: Date;
  /** Spacing of training windows (may be coarser than the scoring grid). */
  stepSeconds: number;
  horizonMinutes: number;
}

export const HOLDOUT_SHARE = 0.3;

export interface Incident { assetId: string; start: number; end: number }

/**
 * The label of an asset's window ending at `end`: 1 when one of the asset's incidents starts within
 * the horizon after it, 0 otherwise, null when the window overlaps an incident (the asset is down).
 */
export function windowLabel(own: readonly Incident[], end: number, windowMs: number, horizonMs: number): 0 | 1 | null {
  if (own.some((i) => i.start <= end && i.end > end - windowMs)) return null;
  return own.some((i) => i.start > end && i.start <= end + horizonMs) ? 1 : 0;
}

export function incidentsByAsset(incidents: readonly Incident[]): Map<string, Incident[]> {
  const byAsset = new Map<string, Incident[]>();
  for (const i of incidents) {
    const own = byAsset.get(i.assetId);
    if (own) own.push(i);
    else byAsset.set(i.assetId, [i]);
  }
  return byAsset;
}

/** Incidents of the assets that touch [from, to), ongoing ones ending at infinity. */
export async function loadIncidents(pool: pg.Pool, organizationId: string, assetIds: readonly string[], from: number, to: number): Promise<Incident[]> {
  const { rows } = await pool.query<{ asset_id: string; started: number; ended: number | null }>(
    `SELECT asset_id, extract(epoch FROM started_at) * 1000 AS started, extract(epoch FROM ended_at) * 1000 AS ended
       FROM incidents WHERE organization_id = $1 AND asset_id = ANY($2::uuid[]) AND started_at <= $4 AND coalesce(ended_at, 'infinity') > $3`,
    [organizationId, assetIds, new Date(from), new Date(to)],
  );
  return rows.map((r) => ({ assetId: r.asset_id, start: Number(r.started), end: r.ended === null ? Infinity : Number(r.ended) }));
}

export async function buildDataset(pool: pg.Pool, spec: FeatureSpec, request: DatasetRequest): Promise<{ train: Dataset; holdout: Dataset; incidents: number }> {
  const from = request.from.getTime();
  const to = request.to.getTime();
  const horizon = request.horizonMinutes * 60_000;
  const incidents = await loadIncidents(pool, request.organizationId, request.assetIds, from - spec.windowSeconds * 1000, to + horizon);
  const byAsset = incidentsByAsset(incidents);
  const split = from + (to - from) * (1 - HOLDOUT_SHARE);
  const train: Dataset = { rows: [], labels: [], windowEnds: [], assetIds: [] };
  const holdout: Dataset = { rows: [], labels: [], windowEnds: [], assetIds: [] };
  const trainingGrid = { ...spec, stepSeconds: request.stepSeconds };
  for (const assetId of request.assetIds) {
    const series = (await loadSeries(pool, request.organizationId, [{ assetId, after: from - spec.windowSeconds * 1000, upTo: to }], spec.signals.map((s) => s.name))).get(assetId)!;
    const own = byAsset.get(assetId) ?? [];
    const ends = gridEnds(trainingGrid, from + spec.windowSeconds * 1000, to);
    for (const row of computeFeatures(spec, series, ends)) {
      const end = row.windowEnd;
      const label = scorable(row) ? windowLabel(own, end, spec.windowSeconds * 1000, horizon) : null;
      if (label === null) continue;
      const target = end < split ? train : holdout;
      target.rows.push(row.values);
      target.labels.push(label);
      target.windowEnds.push(end);
      target.assetIds.push(assetId);
    }
  }
  return { train, holdout, incidents: incidents.length };
}
