// The organisation's plant as a document (plant-document.ts), for the exports: everything, or one
// site or one line (with the asset types its assets use).
import { rows, type RawSql } from '../sql.ts';
import type { DataType, PlantDocument, Protocol } from './plant-document.ts';

export interface PlantScope {
  site: string | null;
  line: string | null;
}

export async function readPlant(db: RawSql, organizationId: string, scope: PlantScope): Promise<PlantDocument> {
  const inScope = `($2::text IS NULL OR si.code = $2) AND ($3::text IS NULL OR l.code = $3)`;
  const args = [organizationId, scope.site, scope.line] as const;
  const assets = await rows<{ site: string; line: string; code: string; name: string; assetType: string; parent: string | null; criticality: number }>(
    db,
    `SELECT si.code AS site, l.code AS line, a.code, a.name, t.name AS "assetType", p.code AS parent, a.criticality
       FROM assets a JOIN lines l ON l.id = a.line_id JOIN sites si ON si.id = l.site_id JOIN asset_types t ON t.id = a.asset_type_id
       LEFT JOIN assets p ON p.id = a.parent_id
      WHERE a.organization_id = $1::uuid AND ${inScope} ORDER BY a.code`,
    ...args,
  );
  const sites = await rows<{ code: string; name: string; timezone: string; country: string | null }>(
    db,
    `SELECT DISTINCT si.code, si.name, si.timezone, si.country FROM sites si LEFT JOIN lines l ON l.site_id = si.id
      WHERE si.organization_id = $1::uuid AND ${inScope} ORDER BY si.code`,
    ...args,
  );
  const lines = await rows<{ site: string; code: string; name: string }>(
    db,
    `SELECT si.code AS site, l.code, l.name FROM lines l JOIN sites si ON si.id = l.site_id WHERE l.organization_id = $1::uuid AND ${inScope} ORDER BY si.code, l.code`,
    ...args,
  );
  const used = new Set(assets.map((a) => a.assetType));
  const properties = await rows<{
    type: string;
    description: string | null;
    opcua: string | null;
    name: string | null;
    dataType: DataType;
    unit: string | null;
    minValue: number | null;
    maxValue: number | null;
  }>(
    db,
    `SELECT t.name AS type, t.description, t.opcua_type_node AS opcua, p.name, p.data_type::text AS "dataType", p.unit, p.min_value AS "minValue", p.max_value AS "maxValue"
       FROM asset_types t LEFT JOIN asset_type_properties p ON p.asset_type_id = t.id
      WHERE t.organization_id = $1::uuid ORDER BY t.name, p.created_at, p.name`,
    organizationId,
  );
  const signals = await rows<{
    asset: string;
    name: string;
    property: string | null;
    dataType: DataType;
    unit: string | null;
    sourceProtocol: Protocol;
    sourceAddress: string;
    samplingIntervalMs: number | null;
  }>(
    db,
    `SELECT a.code AS asset, s.name, p.name AS property, s.data_type::text AS "dataType", s.unit, s.source_protocol::text AS "sourceProtocol",
            s.source_address AS "sourceAddress", s.sampling_interval_ms AS "samplingIntervalMs"
       FROM signals s JOIN assets a ON a.id = s.asset_id JOIN lines l ON l.id = a.line_id JOIN sites si ON si.id = l.site_id
       LEFT JOIN asset_type_properties p ON p.id = s.property_id
      WHERE s.organization_id = $1::uuid AND ${inScope} AND s.source_protocol <> 'CALCULATED' ORDER BY a.code, s.name`,
    ...args,
  );
  const wholePlant = scope.site === null && scope.line === null;
  const types = new Map<string, PlantDocument['assetTypes'][number]>();
  for (const p of properties) {
    if (!wholePlant && !used.has(p.type)) continue;
    const type = types.get(p.type) ?? { where: `asset type ${p.type}`, name: p.type, description: p.description, opcuaTypeNode: p.opcua, properties: [] };
    types.set(p.type, type);
    if (p.name)
      type.properties.push({
        where: `property ${p.type}/${p.name}`,
        name: p.name,
        dataType: p.dataType,
        unit: p.unit,
        minValue: p.minValue,
        maxValue: p.maxValue,
      });
  }
  return {
    sites: sites.map((s) => ({ where: `site ${s.code}`, ...s })),
    lines: lines.map((l) => ({ where: `line ${l.code}`, ...l })),
    assetTypes: [...types.values()],
    assets: assets.map((a) => ({ where: `asset ${a.code}`, ...a })),
    signals: signals.map((s) => ({ where: `signal ${s.asset}/${s.name}`, ...s })),
  };
}
