// A fingerprint of everything an organisation owns, in one statement: an md5 per table over its
// rows' text. Equal before and after means nothing of the organisation was written.
import type pg from 'pg';

export const ORGANIZATION_TABLES = [
  'sites',
  'lines',
  'asset_types',
  'asset_type_properties',
  'assets',
  'signals',
  'use_cases',
  'kpis',
  'kpi_measurements',
  'cost_items',
  'scaling_waves',
  'wave_gates',
  'wave_scope_items',
  'gate_decisions',
  'approvals',
  'squads',
  'squad_members',
  'okrs',
  'key_results',
  'models',
  'model_versions',
  'deployments',
  'edge_targets',
  'experiments',
  'training_runs',
  'insights',
  'incidents',
  'reviews',
  'certifications',
  'users',
  'api_keys',
  'roi_snapshots',
  'audit_events',
  'outbox',
] as const;

const DIGEST_SQL = ORGANIZATION_TABLES.map(
  (table) => `SELECT '${table}' AS t, md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) AS d FROM ${table} r WHERE r.organization_id = $1`,
).join('\nUNION ALL\n');

export async function organizationDigest(pool: pg.Pool, organizationId: string): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ t: string; d: string }>(DIGEST_SQL, [organizationId]);
  return Object.fromEntries(rows.map((r) => [r.t, r.d]));
}
