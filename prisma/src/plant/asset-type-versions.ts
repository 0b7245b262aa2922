// Asset types change without breaking live assets: the active version is the type's row and its
// properties, which assets, signals, models and fallback rules read; the next version is a draft,
// edited apart with optimistic locking (each save names the revision it read; another save in
// between is a CONFLICT), and activated as a whole. Activation refuses to remove a property that
// live signals measure or to change its data type, adds and changes the rest, records the version
// it replaces, and is audited with what changed.
import { row, rows, type RawSql } from '../sql.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import type { Clock } from '../clock.ts';
import { Refusal } from '../refusal.ts';
import type { DataType } from './plant-document.ts';

export interface PropertyDefinition {
  name: string;
  dataType: DataType;
  unit: string | null;
  minValue: number | null;
  maxValue: number | null;
  description: string | null;
}

export interface TypeDefinition {
  description: string | null;
  opcuaTypeNode: string | null;
  properties: PropertyDefinition[];
}

export interface Draft {
  version: number;
  revision: number;
  definition: TypeDefinition;
}

interface TypeRow {
  id: string;
  version: number;
  description: string | null;
  opcuaTypeNode: string | null;
}

async function lockedType(db: RawSql, organizationId: string, assetTypeId: string): Promise<TypeRow> {
  const type = await row<TypeRow>(
    db,
    'SELECT id, version, description, opcua_type_node AS "opcuaTypeNode" FROM asset_types WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    organizationId,
    assetTypeId,
  );
  if (!type) throw new Refusal(`No asset type ${assetTypeId} in your organisation.`, 'assetTypeId', 'NOT_FOUND');
  return type;
}

/** The active definition, read from the type and its properties. */
export async function activeDefinition(db: RawSql, type: TypeRow): Promise<TypeDefinition> {
  const properties = await rows<PropertyDefinition>(
    db,
    `SELECT name, data_type::text AS "dataType", unit, min_value AS "minValue", max_value AS "maxValue", description
       FROM asset_type_properties WHERE asset_type_id = $1::uuid ORDER BY created_at, name`,
    type.id,
  );
  return { description: type.description, opcuaTypeNode: type.opcuaTypeNode, properties };
}

export function draftOf(db: RawSql, organizationId: string, assetTypeId: string): Promise<Draft | undefined> {
  return row<Draft>(
    db,
    `SELECT version, revision, definition FROM asset_type_versions WHERE organization_id = $1::uuid AND asset_type_id = $2::uuid AND status = 'DRAFT'`,
    organizationId,
    assetTypeId,
  );
}

function definitionProblems(definition: TypeDefinition): string | null {
  const names = definition.properties.map((p) => p.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) return `the property "${repeated}" is named twice`;
  const inverted = definition.properties.find((p) => p.minValue !== null && p.maxValue !== null && p.minValue > p.maxValue);
  return inverted ? `the property "${inverted.name}" has its minimum above its maximum` : null;
}

/**
 * Saves the draft of the next version. `expectedRevision` is the draft's revision the caller read
 * (0 when there was none); another save since is a CONFLICT. Returns the saved draft.
 */
export async function saveDraft(
  db: RawSql,
  organizationId: string,
  assetTypeId: string,
  definition: TypeDefinition,
  expectedRevision: number,
  actor: AuditActor,
  clock: Clock,
): Promise<Draft> {
  const type = await lockedType(db, organizationId, assetTypeId);
  const problem = definitionProblems(definition);
  if (problem) throw new Refusal(`The draft is not valid: ${problem}.`, 'properties');
  const current = await draftOf(db, organizationId, assetTypeId);
  if ((current?.revision ?? 0) !== expectedRevision) {
    throw new Refusal(
      `The draft changed since you read it (revision ${current?.revision ?? 0}, you sent ${expectedRevision}); read it again and redo your change.`,
      'expectedRevision',
      'CONFLICT',
    );
  }
  const saved = current
    ? await row<Draft>(
        db,
        `UPDATE asset_type_versions SET definition = $3::jsonb, revision = revision + 1, updated_at = $4
          WHERE asset_type_id = $1::uuid AND version = $2 RETURNING version, revision, definition`,
        assetTypeId,
        current.version,
        JSON.stringify(definition),
        clock.now(),
      )
    : await row<Draft>(
        db,
        `INSERT INTO asset_type_versions (organization_id, asset_type_id, version, status, definition) VALUES ($1::uuid, $2::uuid, $3, 'DRAFT', $4::jsonb)
         RETURNING version, revision, definition`,
        organizationId,
        assetTypeId,
        type.version + 1,
        JSON.stringify(definition),
      );
  await appendAuditEvent(
    db,
    {
      organizationId,
      type: 'asset_type.draft_saved',
      actor,
      subjectType: 'asset_type',
      subjectId: assetTypeId,
      payload: { version: saved!.version, revision: saved!.revision, properties: definition.properties.map((p) => p.name) },
    },
    clock,
  );
  return saved!;
}

/** Makes the draft the active version; refused where it would break a live asset's signals. */
export async function activateDraft(
  db: RawSql,
  organizationId: string,
  assetTypeId: string,
  expectedRevision: number,
  actor: AuditActor,
  clock: Clock,
): Promise<number> {
  const type = await lockedType(db, organizationId, assetTypeId);
  const draft = await draftOf(db, organizationId, assetTypeId);
  if (!draft) throw new Refusal('This asset type has no draft to activate.', 'assetTypeId', 'CONFLICT');
  if (draft.revision !== expectedRevision) {
    throw new Refusal(
      `The draft changed since you read it (revision ${draft.revision}, you sent ${expectedRevision}); review it again before activating.`,
      'expectedRevision',
      'CONFLICT',
    );
  }
  const active = await activeDefinition(db, type);
  const used = await rows<{ name: string; signals: number }>(
    db,
    `SELECT p.name, count(s.id)::int AS signals FROM asset_type_properties p JOIN signals s ON s.property_id = p.id
      WHERE p.asset_type_id = $1::uuid GROUP BY p.name`,
    assetTypeId,
  );
  const inUse = new Map(used.map((u) => [u.name, u.signals]));
  const next = new Map(draft.definition.properties.map((p) => [p.name, p]));
  const breaks = active.properties.flatMap((p) => {
    const signals = inUse.get(p.name);
    if (!signals) return [];
    const replacement = next.get(p.name);
    if (!replacement) return [`it removes "${p.name}", which ${signals} live signal(s) measure`];
    return replacement.dataType !== p.dataType
      ? [`it changes "${p.name}" from ${p.dataType} to ${replacement.dataType}, which ${signals} live signal(s) measure`]
      : [];
  });
  if (breaks.length > 0) throw new Refusal(`Activating version ${draft.version} would break live assets: ${breaks.join('; ')}.`, 'properties', 'CONFLICT');

  const now = clock.now();
  const removed = active.properties.filter((p) => !next.has(p.name)).map((p) => p.name);
  if (removed.length > 0)
    await db.$executeRawUnsafe('DELETE FROM asset_type_properties WHERE asset_type_id = $1::uuid AND name = ANY($2::text[])', assetTypeId, removed);
  const before = new Map(active.properties.map((p) => [p.name, p]));
  const changed: string[] = [];
  const added: string[] = [];
  for (const p of draft.definition.properties) {
    const old = before.get(p.name);
    if (old && sameProperty(old, p)) continue;
    (old ? changed : added).push(p.name);
    await db.$executeRawUnsafe(
      `INSERT INTO asset_type_properties (organization_id, asset_type_id, name, data_type, unit, min_value, max_value, description)
       VALUES ($1::uuid, $2::uuid, $3, $4::property_data_type, $5, $6, $7, $8)
       ON CONFLICT (asset_type_id, name) DO UPDATE SET data_type = EXCLUDED.data_type, unit = EXCLUDED.unit, min_value = EXCLUDED.min_value,
             max_value = EXCLUDED.max_value, description = EXCLUDED.description`,
      organizationId,
      assetTypeId,
      p.name,
      p.dataType,
      p.unit,
      p.minValue,
      p.maxValue,
      p.description,
    );
  }
  await db.$executeRawUnsafe(
    'UPDATE asset_types SET description = $2, opcua_type_node = $3, version = $4, updated_at = $5 WHERE id = $1::uuid',
    assetTypeId,
    draft.definition.description,
    draft.definition.opcuaTypeNode,
    draft.version,
    now,
  );
  // The version it replaces stays on record (inserted here for types made before versions were kept).
  await db.$executeRawUnsafe(
    `INSERT INTO asset_type_versions (organization_id, asset_type_id, version, status, definition) VALUES ($1::uuid, $2::uuid, $3, 'SUPERSEDED', $4::jsonb)
     ON CONFLICT (asset_type_id, version) DO UPDATE SET status = 'SUPERSEDED'`,
    organizationId,
    assetTypeId,
    type.version,
    JSON.stringify(active),
  );
  await db.$executeRawUnsafe(
    `UPDATE asset_type_versions SET status = 'ACTIVE', activated_at = $3, activated_by = $4, updated_at = $3 WHERE asset_type_id = $1::uuid AND version = $2`,
    assetTypeId,
    draft.version,
    now,
    actor.label,
  );
  await appendAuditEvent(
    db,
    {
      organizationId,
      type: 'asset_type.version_activated',
      actor,
      subjectType: 'asset_type',
      subjectId: assetTypeId,
      payload: { version: draft.version, replaces: type.version, added, changed, removed } as Record<string, JsonValue>,
    },
    clock,
  );
  return draft.version;
}

const PROPERTY_FIELDS = ['dataType', 'unit', 'minValue', 'maxValue', 'description'] as const;
const sameProperty = (a: PropertyDefinition, b: PropertyDefinition) => PROPERTY_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));

/** Throws the draft away. */
export async function discardDraft(db: RawSql, organizationId: string, assetTypeId: string, actor: AuditActor, clock: Clock): Promise<void> {
  await lockedType(db, organizationId, assetTypeId);
  const dropped = await db.$executeRawUnsafe(
    `DELETE FROM asset_type_versions WHERE organization_id = $1::uuid AND asset_type_id = $2::uuid AND status = 'DRAFT'`,
    organizationId,
    assetTypeId,
  );
  if (dropped === 0) throw new Refusal('This asset type has no draft.', 'assetTypeId', 'NOT_FOUND');
  await appendAuditEvent(
    db,
    { organizationId, type: 'asset_type.draft_discarded', actor, subjectType: 'asset_type', subjectId: assetTypeId, payload: {} },
    clock,
  );
}
