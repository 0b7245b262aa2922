// Items that name their asset by id or, from plant adapters that know codes (MQTT topics), by
// code: the organisation's assets they name, looked up once per batch, and each item's asset.
import type pg from 'pg';
import { isUuid } from '../uuid.ts';

export interface AssetNamed {
  assetId?: unknown;
  assetCode?: unknown;
}

/** The organisation's assets the items name, keyed by id and by `code:<code>`. */
export async function namedAssets(pool: pg.Pool, organizationId: string, items: readonly AssetNamed[]): Promise<Map<string, string>> {
  const ids = items.map((e) => e.assetId).filter(isUuid);
  const codes = items.map((e) => e.assetCode).filter((c): c is string => typeof c === 'string');
  if (ids.length === 0 && codes.length === 0) return new Map();
  const { rows } = await pool.query<{ id: string; code: string }>(
    'SELECT id, code FROM assets WHERE organization_id = $1 AND (id = ANY($2::uuid[]) OR code = ANY($3::text[]))',
    [organizationId, [...new Set(ids)], [...new Set(codes)]],
  );
  return new Map(
    rows.flatMap((r) => [
      [r.id, r.id],
      [`code:${r.code}`, r.id],
    ]),
  );
}

/** The item's asset id, or why it has none. */
export function assetOf(item: AssetNamed, assets: ReadonlyMap<string, string>): { assetId: string } | string {
  const key = typeof item.assetId === 'string' ? item.assetId.toLowerCase() : typeof item.assetCode === 'string' ? `code:${item.assetCode}` : null;
  if (!key) return 'assetId (or assetCode) is required';
  const assetId = assets.get(key);
  if (!assetId) return `unknown asset ${typeof item.assetId === 'string' ? item.assetId : String(item.assetCode)}`;
  return { assetId };
}
