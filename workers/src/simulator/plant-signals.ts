// The signals a simulator drives: every signal of the organisation with its asset and range.
import type pg from 'pg';
import type { SimSignal } from './scenario.ts';

export async function loadPlantSignals(pool: pg.Pool, organizationId: string): Promise<SimSignal[]> {
  const { rows } = await pool.query<{ site: string; asset_code: string; name: string; source_protocol: SimSignal['protocol'] | 'API'; source_address: string; min_value: number | null; max_value: number | null }>(
    `SELECT si.code AS site, a.code AS asset_code, s.name, s.source_protocol, s.source_address, p.min_value, p.max_value
       FROM signals s JOIN assets a ON a.organization_id = s.organization_id AND a.id = s.asset_id
       JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
       JOIN sites si ON si.organization_id = l.organization_id AND si.id = l.site_id
       LEFT JOIN asset_type_properties p ON p.organization_id = s.organization_id AND p.id = s.property_id
      WHERE s.organization_id = $1 AND s.source_protocol <> 'API' ORDER BY a.code, s.name`,
    [organizationId],
  );
  return rows.map((r) => ({
    site: r.site, assetCode: r.asset_code, property: r.name, protocol: r.source_protocol as SimSignal['protocol'], address: r.source_address,
    min: r.min_value ?? 0, max: r.max_value ?? 100,
  }));
}
