// Which organisation a plant adapter writes for: the configured slug, or the only one there is.
import type pg from 'pg';

export async function adapterOrganization(pool: pg.Pool, slug: string | undefined): Promise<string> {
  const { rows } = slug
    ? await pool.query<{ id: string }>('SELECT id FROM organizations WHERE slug = $1', [slug])
    : await pool.query<{ id: string }>('SELECT id FROM organizations ORDER BY created_at LIMIT 2');
  if (slug && rows.length === 0) throw new Error(`PLANT_ORGANIZATION ${slug} is not an organisation slug; check the setting.`);
  if (!slug && rows.length !== 1) throw new Error('Set PLANT_ORGANIZATION to the slug of the organisation whose plant publishes to this broker.');
  return rows[0]!.id;
}
