// Importing the plant in bulk: a document (plant-document.ts) is compared with what the
// organisation has, record by record, keyed on codes (sites, lines within their site, assets),
// names (asset types, their properties, an asset's signals): each is created, updated (only the
// fields the document gives) or left unchanged, so importing the same file twice changes nothing.
// Every reference must resolve in the document or the database; any problem, by row or element,
// means nothing is written. A dry run reports the plan without writing; applying writes it in the
// caller's transaction, each record audited like an edit through the API.
import { row, rows, type RawSql } from '../sql.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { AuditSubject } from '../audit/catalogue.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import type { Clock } from '../clock.ts';
import { documentProblems, type PlantDocument, type PlantProblem, type Where } from './plant-document.ts';

export type ChangeAction = 'create' | 'update' | 'unchanged';
export type PlantEntity = 'site' | 'line' | 'asset_type' | 'property' | 'asset' | 'signal';

export interface PlantChange {
  entity: PlantEntity;
  key: string;
  action: ChangeAction;
  where: Where;
  /** Field: [before, after], for updates. */
  fields: Record<string, [JsonValue, JsonValue]>;
}

export interface ImportResult {
  applied: boolean;
  changes: PlantChange[];
  problems: PlantProblem[];
}

type Existing = Record<string, Record<string, unknown> & { id: string }>;

interface Current {
  sites: Existing;
  lines: Existing;
  types: Existing;
  properties: Existing;
  assets: Existing;
  signals: Existing;
  addresses: Map<string, string>;
}

async function current(db: RawSql, organizationId: string): Promise<Current> {
  const keyed = async (sql: string, key: (r: Record<string, unknown>) => string): Promise<Existing> =>
    Object.fromEntries((await rows<Record<string, unknown> & { id: string }>(db, sql, organizationId)).map((r) => [key(r), r]));
  const signals = await rows<Record<string, unknown> & { id: string }>(
    db,
    `SELECT s.id, a.code AS asset, s.name, s.property_id AS "propertyId", s.data_type::text AS "dataType", s.unit, s.source_protocol::text AS "sourceProtocol",
            s.source_address AS "sourceAddress", s.sampling_interval_ms AS "samplingIntervalMs"
       FROM signals s JOIN assets a ON a.id = s.asset_id WHERE s.organization_id = $1::uuid`,
    organizationId,
  );
  return {
    sites: await keyed('SELECT id, code, name, timezone, country FROM sites WHERE organization_id = $1::uuid', (r) => String(r.code)),
    lines: await keyed(
      'SELECT l.id, si.code AS site, l.code, l.name FROM lines l JOIN sites si ON si.id = l.site_id WHERE l.organization_id = $1::uuid',
      (r) => `${String(r.site)}/${String(r.code)}`,
    ),
    types: await keyed('SELECT id, name, description, opcua_type_node AS "opcuaTypeNode" FROM asset_types WHERE organization_id = $1::uuid', (r) =>
      String(r.name),
    ),
    properties: await keyed(
      `SELECT p.id, t.name AS type, p.name, p.data_type::text AS "dataType", p.unit, p.min_value AS "minValue", p.max_value AS "maxValue"
         FROM asset_type_properties p JOIN asset_types t ON t.id = p.asset_type_id WHERE p.organization_id = $1::uuid`,
      (r) => `${String(r.type)}/${String(r.name)}`,
    ),
    assets: await keyed(
      `SELECT a.id, a.code, a.name, si.code AS site, l.code AS line, t.name AS "assetType", p.code AS parent, a.criticality
         FROM assets a JOIN lines l ON l.id = a.line_id JOIN sites si ON si.id = l.site_id JOIN asset_types t ON t.id = a.asset_type_id
         LEFT JOIN assets p ON p.id = a.parent_id WHERE a.organization_id = $1::uuid`,
      (r) => String(r.code),
    ),
    signals: Object.fromEntries(signals.map((s) => [`${String(s.asset)}/${String(s.name)}`, s])),
    addresses: new Map(signals.map((s) => [`${String(s.sourceProtocol)} ${String(s.sourceAddress)}`, `${String(s.asset)}/${String(s.name)}`])),
  };
}

/** The fields of `wanted` (its non-null ones) that differ from `existing`. */
function differences(existing: Record<string, unknown>, wanted: Record<string, JsonValue>): Record<string, [JsonValue, JsonValue]> {
  const out: Record<string, [JsonValue, JsonValue]> = {};
  for (const [field, value] of Object.entries(wanted)) {
    if (value === null) continue;
    const before = (existing[field] ?? null) as JsonValue;
    if (before !== value) out[field] = [before, value];
  }
  return out;
}

interface Planned {
  changes: PlantChange[];
  problems: PlantProblem[];
  current: Current;
}

export async function planImport(db: RawSql, organizationId: string, doc: PlantDocument): Promise<Planned> {
  const problems = documentProblems(doc);
  const now = await current(db, organizationId);
  const changes: PlantChange[] = [];
  const plan = (entity: PlantEntity, key: string, where: Where, existing: Record<string, unknown> | undefined, wanted: Record<string, JsonValue>) => {
    const fields = existing ? differences(existing, wanted) : {};
    changes.push({ entity, key, where, action: !existing ? 'create' : Object.keys(fields).length > 0 ? 'update' : 'unchanged', fields });
  };
  const missing = (where: Where, field: string, message: string) => problems.push({ where, field, message });

  const sites = new Set([...Object.keys(now.sites), ...doc.sites.map((s) => s.code)]);
  for (const s of doc.sites) plan('site', s.code, s.where, now.sites[s.code], { name: s.name, timezone: s.timezone, country: s.country });
  const lines = new Set([...Object.keys(now.lines), ...doc.lines.map((l) => `${l.site}/${l.code}`)]);
  for (const l of doc.lines) {
    if (!sites.has(l.site)) missing(l.where, 'site', `site "${l.site}" is neither in the file nor in the plant`);
    plan('line', `${l.site}/${l.code}`, l.where, now.lines[`${l.site}/${l.code}`], { name: l.name });
  }
  const typeProperties = new Map<string, Set<string>>();
  for (const key of Object.keys(now.properties)) {
    const [type, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    typeProperties.set(type, (typeProperties.get(type) ?? new Set()).add(name));
  }
  for (const t of doc.assetTypes) {
    plan('asset_type', t.name, t.where, now.types[t.name], { description: t.description, opcuaTypeNode: t.opcuaTypeNode });
    for (const p of t.properties) {
      typeProperties.set(t.name, (typeProperties.get(t.name) ?? new Set()).add(p.name));
      plan('property', `${t.name}/${p.name}`, p.where, now.properties[`${t.name}/${p.name}`], {
        dataType: p.dataType,
        unit: p.unit,
        minValue: p.minValue,
        maxValue: p.maxValue,
      });
    }
  }
  const types = new Set([...Object.keys(now.types), ...doc.assetTypes.map((t) => t.name)]);
  const assetTypeOf = new Map<string, string>(Object.values(now.assets).map((a) => [String(a.code), String(a.assetType)]));
  for (const a of doc.assets) assetTypeOf.set(a.code, a.assetType);
  for (const a of doc.assets) {
    if (!lines.has(`${a.site}/${a.line}`)) missing(a.where, 'line', `line "${a.line}" of site "${a.site}" is neither in the file nor in the plant`);
    if (!types.has(a.assetType)) missing(a.where, 'asset_type', `asset type "${a.assetType}" is neither in the file nor in the plant`);
    if (a.parent && !assetTypeOf.has(a.parent)) missing(a.where, 'parent', `parent asset "${a.parent}" is neither in the file nor in the plant`);
    const existing = now.assets[a.code];
    if (existing && existing.assetType !== a.assetType) {
      missing(a.where, 'asset_type', `asset "${a.code}" is a ${String(existing.assetType)}; an import does not change an asset's type`);
    }
    plan('asset', a.code, a.where, existing, { name: a.name, site: a.site, line: a.line, parent: a.parent, criticality: a.criticality });
  }
  for (const s of doc.signals) {
    const type = assetTypeOf.get(s.asset);
    if (!type) missing(s.where, 'asset', `asset "${s.asset}" is neither in the file nor in the plant`);
    else if (s.property && !typeProperties.get(type)?.has(s.property)) missing(s.where, 'property', `asset type "${type}" has no property "${s.property}"`);
    const key = `${s.asset}/${s.name}`;
    const holder = now.addresses.get(`${s.sourceProtocol} ${s.sourceAddress}`);
    if (holder && holder !== key) missing(s.where, 'address', `${s.sourceProtocol} address "${s.sourceAddress}" is already the signal ${holder}`);
    plan('signal', key, s.where, now.signals[key], {
      dataType: s.dataType,
      unit: s.unit,
      sourceProtocol: s.sourceProtocol,
      sourceAddress: s.sourceAddress,
      samplingIntervalMs: s.samplingIntervalMs,
    });
  }
  return { changes, problems, current: now };
}

/** Plans the import and, unless it is a dry run or has problems, writes it. */
export async function importPlant(
  db: RawSql,
  organizationId: string,
  doc: PlantDocument,
  options: { dryRun: boolean; actor: AuditActor; clock: Clock },
): Promise<ImportResult> {
  const planned = await planImport(db, organizationId, doc);
  if (options.dryRun || planned.problems.length > 0) return { applied: false, changes: planned.changes, problems: planned.problems };
  await new Writer(db, organizationId, planned.current, options.actor, options.clock).write(doc, planned.changes);
  return { applied: true, changes: planned.changes, problems: [] };
}

/** Writes a planned import in dependency order, auditing each record. */
class Writer {
  private readonly ids = new Map<string, string>();
  private readonly changes = new Map<string, PlantChange>();

  constructor(
    private readonly db: RawSql,
    private readonly organizationId: string,
    private readonly now: Current,
    private readonly actor: AuditActor,
    private readonly clock: Clock,
  ) {
    for (const [kind, existing] of Object.entries({
      site: now.sites,
      line: now.lines,
      asset_type: now.types,
      property: now.properties,
      asset: now.assets,
      signal: now.signals,
    })) {
      for (const [key, record] of Object.entries(existing)) this.ids.set(`${kind}:${key}`, record.id);
    }
  }

  async write(doc: PlantDocument, changes: readonly PlantChange[]): Promise<void> {
    for (const change of changes) this.changes.set(`${change.entity}:${change.key}`, change);
    const assetTypeOf = new Map(doc.assets.map((a) => [a.code, a.assetType]));
    const propertiesOf = new Map(doc.assetTypes.map((t) => [t.name, new Map(t.properties.map((p) => [p.name, p]))]));
    for (const s of doc.sites) {
      await this.save('site', 'site', s.code, 'sites', {
        code: s.code,
        name: s.name,
        timezone: s.timezone ?? 'UTC',
        country: s.country,
      });
    }
    for (const l of doc.lines) {
      const key = `${l.site}/${l.code}`;
      await this.save('line', 'line', key, 'lines', { site_id: this.id('site', l.site), code: l.code, name: l.name });
    }
    for (const t of doc.assetTypes) {
      await this.save('asset_type', 'asset_type', t.name, 'asset_types', {
        name: t.name,
        description: t.description,
        opcua_type_node: t.opcuaTypeNode,
      });
      for (const p of t.properties) {
        const key = `${t.name}/${p.name}`;
        await this.save('property', 'asset_type_property', key, 'asset_type_properties', {
          asset_type_id: this.id('asset_type', t.name),
          name: p.name,
          data_type: p.dataType,
          unit: p.unit,
          min_value: p.minValue,
          max_value: p.maxValue,
        });
      }
    }
    for (const a of doc.assets) {
      await this.save('asset', 'asset', a.code, 'assets', {
        line_id: this.id('line', `${a.site}/${a.line}`),
        asset_type_id: this.id('asset_type', a.assetType),
        code: a.code,
        name: a.name,
        criticality: a.criticality ?? 3,
      });
    }
    // Parents once every asset of the file exists.
    for (const a of doc.assets.filter((x) => x.parent && this.now.assets[x.code]?.parent !== x.parent)) {
      await this.db.$executeRawUnsafe('UPDATE assets SET parent_id = $2::uuid WHERE id = $1::uuid', this.id('asset', a.code), this.id('asset', a.parent!));
    }
    for (const s of doc.signals) {
      const key = `${s.asset}/${s.name}`;
      const assetType = assetTypeOf.get(s.asset) ?? String(this.now.assets[s.asset]?.assetType);
      const property = s.property ? propertiesOf.get(assetType)?.get(s.property) : undefined;
      await this.save('signal', 'signal', key, 'signals', {
        asset_id: this.id('asset', s.asset),
        property_id: s.property ? this.id('property', `${assetType}/${s.property}`) : null,
        name: s.name,
        data_type: s.dataType ?? property?.dataType ?? 'NUMBER',
        unit: s.unit ?? property?.unit ?? null,
        source_protocol: s.sourceProtocol,
        source_address: s.sourceAddress,
        sampling_interval_ms: s.samplingIntervalMs,
      });
    }
  }

  private id(entity: PlantEntity, key: string): string {
    const id = this.ids.get(`${entity}:${key}`);
    if (!id) throw new Error(`the import planned ${entity} ${key} but it was not written`);
    return id;
  }

  /** Inserts a new record or updates the changed fields of an existing one; audited. */
  private async save(entity: PlantEntity, subject: AuditSubject, key: string, table: string, columns: Record<string, unknown>): Promise<void> {
    const change = this.changes.get(`${entity}:${key}`)!;
    if (change.action === 'unchanged') return;
    let id: string;
    if (change.action === 'create') {
      const names = Object.keys(columns);
      const inserted = await row<{ id: string }>(
        this.db,
        `INSERT INTO ${table} (organization_id, ${names.join(', ')}) VALUES ($1::uuid, ${names.map((_, i) => `$${i + 2}${CASTS[names[i]!] ?? ''}`).join(', ')}) RETURNING id`,
        this.organizationId,
        ...Object.values(columns),
      );
      id = inserted!.id;
      this.ids.set(`${entity}:${key}`, id);
    } else {
      id = this.id(entity, key);
      const set = Object.entries(columns).filter(([column]) => (UPDATED_BY[column] ?? []).some((field) => field in change.fields));
      if (set.length > 0) {
        await this.db.$executeRawUnsafe(
          `UPDATE ${table} SET ${set.map(([column], i) => `${column} = $${i + 2}${CASTS[column] ?? ''}`).join(', ')} WHERE id = $1::uuid`,
          id,
          ...set.map(([, value]) => value),
        );
      }
    }
    await appendAuditEvent(
      this.db,
      {
        organizationId: this.organizationId,
        type: `${subject}.${change.action === 'create' ? 'created' : 'updated'}`,
        actor: this.actor,
        subjectType: subject,
        subjectId: id,
        payload: change.action === 'create' ? { ...(columns as Record<string, JsonValue>), via: 'import' } : change.fields,
      },
      this.clock,
    );
  }
}

const CASTS: Record<string, string> = {
  site_id: '::uuid',
  asset_type_id: '::uuid',
  line_id: '::uuid',
  asset_id: '::uuid',
  property_id: '::uuid',
  data_type: '::property_data_type',
  source_protocol: '::source_protocol',
};

/** The columns an update may set, with the document fields whose change sets them. */
const UPDATED_BY: Record<string, string[]> = {
  name: ['name'],
  timezone: ['timezone'],
  country: ['country'],
  description: ['description'],
  opcua_type_node: ['opcuaTypeNode'],
  data_type: ['dataType'],
  unit: ['unit'],
  min_value: ['minValue'],
  max_value: ['maxValue'],
  line_id: ['site', 'line'],
  criticality: ['criticality'],
  source_protocol: ['sourceProtocol'],
  source_address: ['sourceAddress'],
  sampling_interval_ms: ['samplingIntervalMs'],
};
