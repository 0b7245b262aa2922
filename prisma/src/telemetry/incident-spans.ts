// Incidents as time spans per asset, the labels the models learn and are judged against: when an
// asset went down and, unless it still is, when it came back.
import type pg from 'pg';
import { rawSqlOf, rows } from '../sql.ts';

export interface Incident {
  assetId: string;
  start: number;
  end: number;
}

/** Incidents of the assets that touch [from, to) (epoch ms), ongoing ones ending at infinity. */
export async function loadIncidents(pool: pg.Pool, organizationId: string, assetIds: readonly string[], from: number, to: number): Promise<Incident[]> {
  const found = await rows<{ assetId: string; started: number; ended: number | null }>(
    rawSqlOf(pool),
    `SELECT asset_id AS "assetId", extract(epoch FROM started_at) * 1000 AS started, extract(epoch FROM ended_at) * 1000 AS ended
       FROM incidents WHERE organization_id = $1 AND asset_id = ANY($2::uuid[]) AND started_at <= $4 AND coalesce(ended_at, 'infinity') > $3`,
    organizationId,
    assetIds,
    new Date(from),
    new Date(to),
  );
  return found.map((r) => ({ assetId: r.assetId, start: Number(r.started), end: r.ended === null ? Infinity : Number(r.ended) }));
}

/** An incident loader bound to one organisation, as the pure model code takes it. */
export type IncidentLoader = (assetIds: readonly string[], from: number, to: number) => Promise<Incident[]>;

export function incidentLoaderOf(pool: pg.Pool, organizationId: string): IncidentLoader {
  return (assetIds, from, to) => loadIncidents(pool, organizationId, assetIds, from, to);
}
