// A wave's scope: assets, lines and sites, added within the wave's policy limits (DESIGN §2: a
// pilot covers at most 5 assets, an anchor 1-2 lines or sites). A line or site in the scope covers
// every asset on it, so the limits count what the scope covers, not the rows that name it.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { RawSql } from '../sql.ts';
import { announceDeployments } from '../models/deployments.ts';
import { Refusal } from '../refusal.ts';

export interface ScopeChange {
  assetIds: string[];
  lineIds: string[];
  siteIds: string[];
}

export interface ScopeCoverage {
  assets: number;
  lines: number;
  sites: number;
}

interface WaveRow {
  id: string;
  name: string;
  phase: string;
  status: string;
  max_assets: number | null;
  max_lines: number | null;
  max_sites: number | null;
}

/** What a wave's scope would cover with `extra` added: distinct assets, lines and sites. */
async function coverageWith(db: RawSql, organizationId: string, waveId: string, extra: ScopeChange): Promise<ScopeCoverage> {
  const [row] = await db.$queryRawUnsafe<ScopeCoverage[]>(
    `WITH items AS (
       SELECT asset_id, line_id, site_id FROM wave_scope_items WHERE organization_id = $1::uuid AND wave_id = $2::uuid
       UNION ALL SELECT unnest($3::uuid[]), NULL::uuid, NULL::uuid
       UNION ALL SELECT NULL::uuid, unnest($4::uuid[]), NULL::uuid
       UNION ALL SELECT NULL::uuid, NULL::uuid, unnest($5::uuid[])
     ), named_lines AS (
       SELECT l.id, l.site_id FROM lines l
        WHERE l.organization_id = $1::uuid AND EXISTS (SELECT 1 FROM items i WHERE i.line_id = l.id OR i.site_id = l.site_id)
     ), covered AS (
       SELECT a.id, a.line_id, l.site_id FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
        WHERE a.organization_id = $1::uuid AND EXISTS (SELECT 1 FROM items i WHERE i.asset_id = a.id OR i.line_id = a.line_id OR i.site_id = l.site_id)
     )
     SELECT (SELECT count(*) FROM covered)::int AS assets,
            (SELECT count(*) FROM (SELECT line_id FROM covered UNION SELECT id FROM named_lines) x)::int AS lines,
            (SELECT count(*) FROM (SELECT site_id FROM covered UNION SELECT site_id FROM named_lines
                                   UNION SELECT site_id FROM items WHERE site_id IS NOT NULL) x)::int AS sites`,
    organizationId,
    waveId,
    extra.assetIds,
    extra.lineIds,
    extra.siteIds,
  );
  return row!;
}

/** Refuses ids that are not the organisation's, naming the first one. */
async function requireKnown(db: RawSql, organizationId: string, table: 'assets' | 'lines' | 'sites', ids: string[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM ${table} WHERE organization_id = $1::uuid AND id = ANY($2::uuid[])`,
    organizationId,
    ids,
  );
  const known = new Set(rows.map((r) => r.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing) throw new Refusal(`${field}: ${missing} does not exist in your organisation.`, field);
}

/**
 * Adds assets, lines and sites to a planned or running wave, refusing the whole change with the
 * reason when what the scope would then cover breaks one of the wave's limits. Returns the new
 * coverage. Items already in the scope are skipped.
 */
export async function addToWaveScope(db: RawSql, organizationId: string, waveId: string, change: ScopeChange, actor: AuditActor): Promise<ScopeCoverage> {
  const [wave] = await db.$queryRawUnsafe<WaveRow[]>(
    'SELECT id, name, phase::text, status::text, max_assets, max_lines, max_sites FROM scaling_waves WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    organizationId,
    waveId,
  );
  if (!wave) throw new Refusal(`Scaling wave ${waveId} does not exist in your organisation.`, 'waveId');
  if (wave.status !== 'PLANNED' && wave.status !== 'ACTIVE') {
    throw new Refusal(`The wave is ${wave.status.toLowerCase()}; only a planned or active wave's scope changes.`, 'waveId', 'CONFLICT');
  }
  const unique: ScopeChange = { assetIds: [...new Set(change.assetIds)], lineIds: [...new Set(change.lineIds)], siteIds: [...new Set(change.siteIds)] };
  if (unique.assetIds.length + unique.lineIds.length + unique.siteIds.length === 0) throw new Refusal('Name at least one asset, line or site.', 'assetIds');
  await requireKnown(db, organizationId, 'assets', unique.assetIds, 'assetIds');
  await requireKnown(db, organizationId, 'lines', unique.lineIds, 'lineIds');
  await requireKnown(db, organizationId, 'sites', unique.siteIds, 'siteIds');
  const coverage = await coverageWith(db, organizationId, waveId, unique);
  const field = unique.assetIds.length > 0 ? 'assetIds' : unique.lineIds.length > 0 ? 'lineIds' : 'siteIds';
  const limits: [keyof ScopeCoverage, number | null][] = [
    ['assets', wave.max_assets],
    ['lines', wave.max_lines],
    ['sites', wave.max_sites],
  ];
  for (const [what, limit] of limits) {
    if (limit !== null && coverage[what] > limit) {
      throw new Refusal(
        `The ${wave.phase} wave "${wave.name}" may cover at most ${limit} ${what}; with this change its scope would cover ${coverage[what]}.`,
        field,
      );
    }
  }
  const inserted = await db.$queryRawUnsafe<{ id: string; asset_id: string | null; line_id: string | null; site_id: string | null }[]>(
    `INSERT INTO wave_scope_items (organization_id, wave_id, asset_id, line_id, site_id)
     SELECT $1::uuid, $2::uuid, n.asset_id, n.line_id, n.site_id FROM (
       SELECT unnest($3::uuid[]) AS asset_id, NULL::uuid AS line_id, NULL::uuid AS site_id
       UNION ALL SELECT NULL, unnest($4::uuid[]), NULL
       UNION ALL SELECT NULL, NULL, unnest($5::uuid[])) n
      WHERE NOT EXISTS (SELECT 1 FROM wave_scope_items s WHERE s.organization_id = $1::uuid AND s.wave_id = $2::uuid
                         AND s.asset_id IS NOT DISTINCT FROM n.asset_id AND s.line_id IS NOT DISTINCT FROM n.line_id AND s.site_id IS NOT DISTINCT FROM n.site_id)
     RETURNING id, asset_id, line_id, site_id`,
    organizationId,
    waveId,
    unique.assetIds,
    unique.lineIds,
    unique.siteIds,
  );
  for (const item of inserted) {
    await appendAuditEvent(db, {
      organizationId,
      type: 'wave_scope_item.created',
      actor,
      subjectType: 'wave_scope_item',
      subjectId: item.id,
      payload: { waveId, assetId: item.asset_id, lineId: item.line_id, siteId: item.site_id, coverage: { ...coverage } },
    });
  }
  if (wave.status === 'ACTIVE') await announceDeployments(db, organizationId);
  return coverage;
}

/** The assets a wave's scope covers now. */
export async function waveCoverage(db: RawSql, organizationId: string, waveId: string): Promise<ScopeCoverage> {
  return coverageWith(db, organizationId, waveId, { assetIds: [], lineIds: [], siteIds: [] });
}

/** Takes one item out of a planned or running wave's scope. */
export async function removeFromWaveScope(db: RawSql, organizationId: string, itemId: string, actor: AuditActor): Promise<void> {
  const [item] = await db.$queryRawUnsafe<{ wave_id: string; status: string; asset_id: string | null; line_id: string | null; site_id: string | null }[]>(
    `SELECT s.wave_id, w.status::text, s.asset_id, s.line_id, s.site_id FROM wave_scope_items s
       JOIN scaling_waves w ON w.organization_id = s.organization_id AND w.id = s.wave_id
      WHERE s.organization_id = $1::uuid AND s.id = $2::uuid FOR UPDATE OF w`,
    organizationId,
    itemId,
  );
  if (!item) throw new Refusal(`Wave scope item ${itemId} does not exist in your organisation.`, 'id');
  if (item.status !== 'PLANNED' && item.status !== 'ACTIVE') {
    throw new Refusal(`The wave is ${item.status.toLowerCase()}; only a planned or active wave's scope changes.`, 'id', 'CONFLICT');
  }
  await db.$executeRawUnsafe('DELETE FROM wave_scope_items WHERE organization_id = $1::uuid AND id = $2::uuid', organizationId, itemId);
  await appendAuditEvent(db, {
    organizationId,
    type: 'wave_scope_item.removed',
    actor,
    subjectType: 'wave_scope_item',
    subjectId: itemId,
    payload: { waveId: item.wave_id, assetId: item.asset_id, lineId: item.line_id, siteId: item.site_id },
  });
  if (item.status === 'ACTIVE') await announceDeployments(db, organizationId);
}
