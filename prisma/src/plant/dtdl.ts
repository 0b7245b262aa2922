// DTDL v3 interfaces (Azure Digital Twins, IoT Plug and Play) as asset types: an interface is a
// type, its Telemetry and Property contents its properties (double, float, integer, long as
// numbers; boolean; string; an enum as a state), units by the quantitative-types names Threadline
// knows, other units kept in the content's comment. DTDL describes types, not instances, so a DTDL
// file imports asset types only; ranges have no DTDL form and are left as they are. Problems name
// the interface (its @id) and the content.
import { emptyDocument, type DataType, type PlantDocument, type PlantProblem, type PropertyRecord } from './plant-document.ts';

const DTMI = /^dtmi:[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?(?::[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)*(?:;[1-9][0-9]{0,8}(?:\.[1-9][0-9]{0,5})?)?$/;
const CONTEXT = 'dtmi:dtdl:context;3';
const QUANTITATIVE = 'dtmi:dtdl:extension:quantitativeTypes;1';

/** Threadline units and their DTDL unit names. */
const UNITS: Record<string, string> = {
  'mm/s': 'millimetrePerSecond',
  '°C': 'degreeCelsius',
  '%': 'percent',
  kW: 'kilowatt',
  W: 'watt',
  kWh: 'kilowattHour',
  bar: 'bar',
  A: 'ampere',
  V: 'volt',
  Hz: 'hertz',
  rpm: 'revolutionPerMinute',
  s: 'second',
  'm/s': 'metrePerSecond',
  kg: 'kilogram',
  mm: 'millimetre',
};
const UNIT_OF = new Map(Object.entries(UNITS).map(([unit, name]) => [name, unit]));

const SEMANTIC: Record<string, string> = {
  degreeCelsius: 'Temperature',
  percent: 'Ratio',
  kilowatt: 'Power',
  watt: 'Power',
  kilowattHour: 'Energy',
  bar: 'Pressure',
  ampere: 'Current',
  volt: 'Voltage',
  hertz: 'Frequency',
  revolutionPerMinute: 'AngularVelocity',
  millimetrePerSecond: 'Velocity',
  metrePerSecond: 'Velocity',
  second: 'TimeSpan',
  kilogram: 'Mass',
  millimetre: 'Length',
};

type Json = Record<string, unknown>;

function dataTypeOf(schema: unknown): DataType | null {
  if (schema === 'double' || schema === 'float' || schema === 'integer' || schema === 'long') return 'NUMBER';
  if (schema === 'boolean') return 'BOOLEAN';
  if (schema === 'string') return 'STRING';
  if (schema && typeof schema === 'object' && (schema as Json)['@type'] === 'Enum') return 'STATE';
  return null;
}

const localized = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object'
      ? ((Object.values(value as Json).find((v) => typeof v === 'string') as string | undefined) ?? null)
      : null;

export function readDtdl(text: string): { document: PlantDocument; problems: PlantProblem[] } {
  const document = emptyDocument();
  const problems: PlantProblem[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { document, problems: [{ where: 'document', field: null, message: `not JSON: ${(error as Error).message}` }] };
  }
  const interfaces = Array.isArray(parsed) ? parsed : [parsed];
  interfaces.forEach((candidate, i) => {
    const item = (candidate ?? {}) as Json;
    const id = typeof item['@id'] === 'string' ? item['@id'] : null;
    const where = id ?? `interface ${i + 1}`;
    const context = ([] as unknown[]).concat(item['@context'] ?? []);
    if (!context.some((c) => c === CONTEXT || c === 'dtmi:dtdl:context;2'))
      problems.push({ where, field: '@context', message: `@context must include ${CONTEXT}` });
    if (item['@type'] !== 'Interface') problems.push({ where, field: '@type', message: '@type must be Interface' });
    if (!id || !DTMI.test(id)) problems.push({ where, field: '@id', message: '@id must be a DTMI, e.g. dtmi:com:example:Pump;1' });
    const name = localized(item.displayName) ?? id?.replace(/;.*$/, '').split(':').at(-1) ?? '';
    const properties: PropertyRecord[] = [];
    const contents = Array.isArray(item.contents) ? (item.contents as Json[]) : [];
    for (const content of contents) {
      const types = ([] as unknown[]).concat(content['@type'] ?? []);
      if (!types.includes('Telemetry') && !types.includes('Property')) continue;
      const contentWhere = `${where} ${String(content.name ?? '(unnamed)')}`;
      const dataType = dataTypeOf(content.schema);
      if (typeof content.name !== 'string' || !/^[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?$/.test(content.name)) {
        problems.push({ where: contentWhere, field: 'name', message: 'a content name is letters, digits and _, starting with a letter' });
        continue;
      }
      if (!dataType) {
        problems.push({
          where: contentWhere,
          field: 'schema',
          message: `schema ${JSON.stringify(content.schema)} is not double, float, integer, long, boolean, string or an Enum`,
        });
        continue;
      }
      const commentUnit = typeof content.comment === 'string' ? /(?:^|;\s*)unit:\s*([^;]+)/.exec(content.comment)?.[1]?.trim() : undefined;
      properties.push({
        where: contentWhere,
        name: content.name,
        dataType,
        unit: (typeof content.unit === 'string' ? (UNIT_OF.get(content.unit) ?? content.unit) : null) ?? commentUnit ?? null,
        minValue: null,
        maxValue: null,
      });
    }
    document.assetTypes.push({ where, name, description: localized(item.description), opcuaTypeNode: null, properties });
  });
  return { document, problems };
}

const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
    .replace(/^[0-9]+/, '') || 'Type';

/** The plant's asset types as DTDL v3 interfaces under `dtmi:<prefix>:…;1`. */
export function plantDtdl(doc: PlantDocument, prefix: string): Json[] {
  return doc.assetTypes.map((t) => ({
    '@context': [CONTEXT, QUANTITATIVE],
    '@id': `dtmi:${prefix}:${pascal(t.name)};1`,
    '@type': 'Interface',
    displayName: t.name.slice(0, 512),
    ...(t.description ? { description: t.description.slice(0, 512) } : {}),
    contents: t.properties.map((p) => {
      const unit = p.unit ? UNITS[p.unit] : undefined;
      return {
        '@type': unit && SEMANTIC[unit] ? ['Telemetry', SEMANTIC[unit]] : 'Telemetry',
        name: p.name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]+/, '') || 'value',
        schema: p.dataType === 'NUMBER' ? 'double' : p.dataType === 'BOOLEAN' ? 'boolean' : 'string',
        ...(unit && SEMANTIC[unit] ? { unit } : p.unit ? { comment: `unit: ${p.unit}` } : {}),
      };
    }),
  }));
}
