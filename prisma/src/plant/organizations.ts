// The organisations a scheduled pass or a plant adapter works for: each one (or one named), and
// the organisation an adapter writes for, from its configured slug or as the only one there is.
import type pg from 'pg';
import { rawSqlOf, rows } from '../sql.ts';

/** Every organisation's id, or just `only` when it exists. */
export async function organizationIds(pool: pg.Pool, only?: string): Promise<string[]> {
  const found = await rows<{ id: string }>(rawSqlOf(pool), 'SELECT id FROM organizations WHERE $1::uuid IS NULL OR id = $1::uuid ORDER BY id', only ?? null);
  return found.map((r) => r.id);
}

/** The organisation a plant adapter writes for: the one with `slug`, or the only one there is; refuses otherwise. */
export async function adapterOrganization(pool: pg.Pool, slug: string | undefined): Promise<string> {
  const db = rawSqlOf(pool);
  const found = slug
    ? await rows<{ id: string }>(db, 'SELECT id FROM organizations WHERE slug = $1', slug)
    : await rows<{ id: string }>(db, 'SELECT id FROM organizations ORDER BY created_at LIMIT 2');
  if (slug && found.length === 0) throw new Error(`PLANT_ORGANIZATION ${slug} is not an organisation slug; check the setting.`);
  if (!slug && found.length !== 1) throw new Error('Set PLANT_ORGANIZATION to the slug of the organisation whose plant publishes to this broker.');
  return found[0]!.id;
}
