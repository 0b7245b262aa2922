// The plant in bulk, format-free: sites, lines, asset types with their properties, assets and
// signals, each named by its code (or name) and by where it came from in the file (a CSV row, a
// NodeSet2 element, a DTDL interface), so every problem points at the line to fix. The CSV, OPC UA
// NodeSet2 and DTDL readers produce one; the importer plans and applies it (plant-import.ts).
export const DATA_TYPES = ['NUMBER', 'BOOLEAN', 'STRING', 'STATE'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const PROTOCOLS = ['MQTT', 'SPARKPLUG_B', 'OPC_UA', 'API'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Where a record is in its file: "row 12", "UAObject ns=1;i=5001", "dtmi:…;1". */
export type Where = string;

export interface SiteRecord {
  where: Where;
  code: string;
  name: string;
  timezone: string | null;
  country: string | null;
}

export interface LineRecord {
  where: Where;
  site: string;
  code: string;
  name: string;
}

export interface PropertyRecord {
  where: Where;
  name: string;
  dataType: DataType;
  unit: string | null;
  minValue: number | null;
  maxValue: number | null;
}

export interface AssetTypeRecord {
  where: Where;
  name: string;
  description: string | null;
  opcuaTypeNode: string | null;
  properties: PropertyRecord[];
}

export interface AssetRecord {
  where: Where;
  site: string;
  line: string;
  code: string;
  name: string;
  assetType: string;
  parent: string | null;
  criticality: number | null;
}

export interface SignalRecord {
  where: Where;
  asset: string;
  name: string;
  /** The asset type's property it measures (by name); its data type and unit when not given. */
  property: string | null;
  dataType: DataType | null;
  unit: string | null;
  sourceProtocol: Protocol;
  sourceAddress: string;
  samplingIntervalMs: number | null;
}

export interface PlantDocument {
  sites: SiteRecord[];
  lines: LineRecord[];
  assetTypes: AssetTypeRecord[];
  assets: AssetRecord[];
  signals: SignalRecord[];
}

export interface PlantProblem {
  where: Where;
  field: string | null;
  message: string;
}

export const emptyDocument = (): PlantDocument => ({ sites: [], lines: [], assetTypes: [], assets: [], signals: [] });

export const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const CODE_MESSAGE = 'must be 1-40 letters, digits, dots, dashes or underscores';

/** The problems a document has on its own (codes, names, ranges, duplicates), before the database is read. */
export function documentProblems(doc: PlantDocument): PlantProblem[] {
  const problems: PlantProblem[] = [];
  const problem = (where: Where, field: string | null, message: string) => problems.push({ where, field, message });
  const code = (where: Where, field: string, value: string) => {
    if (!CODE.test(value)) problem(where, field, `${field} "${value}" ${CODE_MESSAGE}`);
  };
  const name = (where: Where, field: string, value: string) => {
    if (value.trim().length === 0 || value.length > 120) problem(where, field, `${field} has 1 to 120 characters`);
  };
  const once = <T>(records: T[], key: (r: T) => string, where: (r: T) => Where, what: string) => {
    const seen = new Map<string, Where>();
    for (const r of records) {
      const k = key(r);
      const first = seen.get(k);
      if (first) problem(where(r), null, `${what} "${k}" is also at ${first}`);
      else seen.set(k, where(r));
    }
  };
  for (const s of doc.sites) {
    code(s.where, 'code', s.code);
    name(s.where, 'name', s.name);
    if (s.country && !/^[A-Z]{2}$/.test(s.country)) problem(s.where, 'country', 'country is a two-letter ISO 3166 code');
  }
  for (const l of doc.lines) {
    code(l.where, 'code', l.code);
    code(l.where, 'site', l.site);
    name(l.where, 'name', l.name);
  }
  for (const t of doc.assetTypes) {
    name(t.where, 'name', t.name);
    for (const p of t.properties) {
      name(p.where, 'property', p.name);
      if (p.minValue !== null && p.maxValue !== null && p.minValue > p.maxValue) problem(p.where, 'min', `min ${p.minValue} is above max ${p.maxValue}`);
    }
    once(
      t.properties,
      (p) => p.name,
      (p) => p.where,
      `property of ${t.name}`,
    );
  }
  for (const a of doc.assets) {
    code(a.where, 'code', a.code);
    code(a.where, 'line', a.line);
    name(a.where, 'name', a.name);
    if (a.criticality !== null && !(Number.isInteger(a.criticality) && a.criticality >= 1 && a.criticality <= 5))
      problem(a.where, 'criticality', 'criticality is 1 to 5');
    if (a.parent === a.code) problem(a.where, 'parent', 'an asset cannot be its own parent');
  }
  for (const s of doc.signals) {
    name(s.where, 'name', s.name);
    if (s.sourceAddress.trim().length === 0 || s.sourceAddress.length > 500) problem(s.where, 'address', 'address has 1 to 500 characters');
    if (s.samplingIntervalMs !== null && !(Number.isInteger(s.samplingIntervalMs) && s.samplingIntervalMs >= 1 && s.samplingIntervalMs <= 86_400_000)) {
      problem(s.where, 'interval_ms', 'interval_ms is a whole number of milliseconds up to a day');
    }
  }
  once(
    doc.sites,
    (s) => s.code,
    (s) => s.where,
    'site',
  );
  once(
    doc.lines,
    (l) => `${l.site}/${l.code}`,
    (l) => l.where,
    'line',
  );
  once(
    doc.assetTypes,
    (t) => t.name,
    (t) => t.where,
    'asset type',
  );
  once(
    doc.assets,
    (a) => a.code,
    (a) => a.where,
    'asset',
  );
  once(
    doc.signals,
    (s) => `${s.asset}/${s.name}`,
    (s) => s.where,
    'signal',
  );
  once(
    doc.signals,
    (s) => `${s.sourceProtocol} ${s.sourceAddress}`,
    (s) => s.where,
    'source address',
  );
  return problems;
}
