// The plant as one CSV file: a `record` column says what each row is (site, line, asset_type,
// property, asset, signal) and the other columns carry its fields; rows are numbered from 2 (the
// header is row 1) in every problem. Written in dependency order, so the export imports as is.
import { csvRecords, csvValue } from '../csv.ts';
import { csvField } from '../audit/audit-export.ts';
import { DATA_TYPES, emptyDocument, PROTOCOLS, type DataType, type PlantDocument, type PlantProblem, type Protocol } from './plant-document.ts';

export const PLANT_CSV_COLUMNS = [
  'record',
  'site',
  'line',
  'code',
  'name',
  'asset_type',
  'parent',
  'property',
  'data_type',
  'unit',
  'min',
  'max',
  'protocol',
  'address',
  'interval_ms',
  'timezone',
  'country',
  'criticality',
  'description',
  'opcua_type',
] as const;
type Column = (typeof PLANT_CSV_COLUMNS)[number];

export function readPlantCsv(text: string): { document: PlantDocument; problems: PlantProblem[] } {
  const document = emptyDocument();
  const problems: PlantProblem[] = [];
  const records = csvRecords(text.replace(/^\uFEFF/, '')).filter((r) => r.some((f) => f.trim() !== ''));
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = ['record', 'code', 'name'].filter((c) => !header.includes(c));
  if (records.length === 0 || missing.length > 0) {
    return {
      document,
      problems: [{ where: 'row 1', field: null, message: `the header must name the columns record, code and name (missing: ${missing.join(', ') || 'all'})` }],
    };
  }
  const unknown = header.filter((h) => !(PLANT_CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0)
    problems.push({ where: 'row 1', field: null, message: `unknown columns ${unknown.join(', ')}; the columns are ${PLANT_CSV_COLUMNS.join(', ')}` });
  const types = new Map<string, PlantDocument['assetTypes'][number]>();
  records.slice(1).forEach((values, i) => {
    const where = `row ${i + 2}`;
    const get = (column: Column) => {
      const at = header.indexOf(column);
      const value = at < 0 ? '' : csvValue((values[at] ?? '').trim());
      return value === '' ? null : value;
    };
    const text = (column: Column) => get(column) ?? '';
    const number = (column: Column): number | null => {
      const value = get(column);
      if (value === null) return null;
      const n = Number(value);
      if (!Number.isFinite(n)) problems.push({ where, field: column, message: `${column} "${value}" is not a number` });
      return Number.isFinite(n) ? n : null;
    };
    const oneOf = <T extends string>(column: Column, allowed: readonly T[]): T | null => {
      const value = get(column)?.toUpperCase() ?? null;
      if (value !== null && !(allowed as readonly string[]).includes(value)) {
        problems.push({ where, field: column, message: `${column} "${value}" is not one of ${allowed.join(', ')}` });
        return null;
      }
      return value as T | null;
    };
    switch (get('record')?.toLowerCase()) {
      case 'site':
        document.sites.push({ where, code: text('code'), name: text('name'), timezone: get('timezone'), country: get('country') });
        break;
      case 'line':
        document.lines.push({ where, site: text('site'), code: text('code'), name: text('name') });
        break;
      case 'asset_type': {
        const type = { where, name: text('name'), description: get('description'), opcuaTypeNode: get('opcua_type'), properties: [] };
        types.set(type.name, type);
        document.assetTypes.push(type);
        break;
      }
      case 'property': {
        const type = types.get(text('asset_type'));
        if (!type) {
          problems.push({ where, field: 'asset_type', message: `a property row follows the asset_type row of "${text('asset_type')}"` });
          break;
        }
        type.properties.push({
          where,
          name: text('name'),
          dataType: oneOf<DataType>('data_type', DATA_TYPES) ?? 'NUMBER',
          unit: get('unit'),
          minValue: number('min'),
          maxValue: number('max'),
        });
        break;
      }
      case 'asset':
        document.assets.push({
          where,
          site: text('site'),
          line: text('line'),
          code: text('code'),
          name: text('name'),
          assetType: text('asset_type'),
          parent: get('parent'),
          criticality: number('criticality'),
        });
        break;
      case 'signal': {
        const protocol = oneOf<Protocol>('protocol', PROTOCOLS);
        if (!protocol) problems.push({ where, field: 'protocol', message: `protocol is one of ${PROTOCOLS.join(', ')}` });
        document.signals.push({
          where,
          asset: text('code'),
          name: text('name'),
          property: get('property'),
          dataType: oneOf<DataType>('data_type', DATA_TYPES),
          unit: get('unit'),
          sourceProtocol: protocol ?? 'API',
          sourceAddress: text('address'),
          samplingIntervalMs: number('interval_ms'),
        });
        break;
      }
      default:
        problems.push({ where, field: 'record', message: `record "${get('record') ?? ''}" is not one of site, line, asset_type, property, asset, signal` });
    }
  });
  return { document, problems };
}

export function plantCsv(doc: PlantDocument): string {
  const lines: string[] = [PLANT_CSV_COLUMNS.join(',')];
  const add = (fields: Partial<Record<Column, unknown>>) => lines.push(PLANT_CSV_COLUMNS.map((c) => csvField(fields[c] ?? null)).join(','));
  for (const s of doc.sites) add({ record: 'site', code: s.code, name: s.name, timezone: s.timezone, country: s.country });
  for (const l of doc.lines) add({ record: 'line', site: l.site, code: l.code, name: l.name });
  for (const t of doc.assetTypes) {
    add({ record: 'asset_type', code: t.name, name: t.name, description: t.description, opcua_type: t.opcuaTypeNode });
    for (const p of t.properties)
      add({ record: 'property', asset_type: t.name, code: p.name, name: p.name, data_type: p.dataType, unit: p.unit, min: p.minValue, max: p.maxValue });
  }
  for (const a of doc.assets)
    add({ record: 'asset', site: a.site, line: a.line, code: a.code, name: a.name, asset_type: a.assetType, parent: a.parent, criticality: a.criticality });
  for (const s of doc.signals) {
    add({
      record: 'signal',
      code: s.asset,
      name: s.name,
      property: s.property,
      data_type: s.dataType,
      unit: s.unit,
      protocol: s.sourceProtocol,
      address: s.sourceAddress,
      interval_ms: s.samplingIntervalMs,
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
