// Where an organisation's signals come from: the OPC UA node ids the adapter subscribes to, and
// every non-API signal with its site, asset and normal range (what the plant simulator drives).
import type pg from 'pg';
import { rawSqlOf, rows } from '../sql.ts';

export async function opcUaNodeIds(pool: pg.Pool, organizationId: string): Promise<string[]> {
  const found = await rows<{ address: string }>(
    rawSqlOf(pool),
    "SELECT source_address AS address FROM signals WHERE organization_id = $1 AND source_protocol = 'OPC_UA' ORDER BY source_address",
    organizationId,
  );
  return found.map((r) => r.address);
}

export interface SignalSource {
  site: string;
  assetCode: string;
  property: string;
  protocol: 'MQTT' | 'SPARKPLUG_B' | 'OPC_UA';
  address: string;
  min: number | null;
  max: number | null;
}

/** Every signal fed by a plant protocol (not the API, not calculated from others), by asset code and name. */
export function plantSignalSources(pool: pg.Pool, organizationId: string): Promise<SignalSource[]> {
  return rows<SignalSource>(
    rawSqlOf(pool),
    `SELECT si.code AS site, a.code AS "assetCode", s.name AS property, s.source_protocol::text AS protocol, s.source_address AS address, p.min_value AS min, p.max_value AS max
       FROM signals s JOIN assets a ON a.organization_id = s.organization_id AND a.id = s.asset_id
       JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
       JOIN sites si ON si.organization_id = l.organization_id AND si.id = l.site_id
       LEFT JOIN asset_type_properties p ON p.organization_id = s.organization_id AND p.id = s.property_id
      WHERE s.organization_id = $1 AND s.source_protocol NOT IN ('API', 'CALCULATED') ORDER BY a.code, s.name`,
    organizationId,
  );
}
