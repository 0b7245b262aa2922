// The frames' retention rule against real PostgreSQL and a disk store: old unlabelled frames go with
// their bytes; labelled frames, frames behind an insight, recent frames, and bytes another frame
// still refers to stay.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../client.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { plateFrame } from '../../../scripts/test/frame-fixture.ts';
import { seededRandom } from '../random.ts';
import { FrameIngest } from './frame-ingest.ts';
import { DiskFrameStore, frameSha256 } from './frame-store.ts';
import { applyFrameRetention } from './frame-retention.ts';

const DAY = 86_400_000;

describe('frame retention', () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 2 });
  });
  afterAll(async () => pool?.end());

  it('deletes old unlabelled frames and the bytes nothing refers to any more', async () => {
    const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const asset = (await pool.query("SELECT id FROM assets WHERE code = 'LEJ-L1-VIS01'")).rows[0].id;
    const store = new DiskFrameStore(await mkdtemp(join(tmpdir(), 'threadline-frames-')));
    const random = seededRandom(3);
    const [oldOnly, shared, labelled, evidence, recent] = [0, 1, 2, 3, 4].map(() => plateFrame(random, null));
    const now = Date.now();
    const old = now - 40 * DAY;
    const stored = await new FrameIngest(pool, store).ingest(org, [
      { assetId: asset, camera: 'top', time: old, bytes: oldOnly! },
      { assetId: asset, camera: 'top', time: old + 1_000, bytes: shared! },
      { assetId: asset, camera: 'side', time: now - DAY, bytes: shared! },
      { assetId: asset, camera: 'top', time: old + 2_000, bytes: labelled!, label: 'DEFECT' },
      { assetId: asset, camera: 'top', time: old + 3_000, bytes: evidence! },
      { assetId: asset, camera: 'top', time: now - DAY, bytes: recent! },
    ]);
    await pool.query(
      `INSERT INTO insights (organization_id, asset_id, kind, severity, title, explanation, evidence_start_at, evidence_end_at)
       VALUES ($1, $2, 'THRESHOLD', 'WARNING', 'Defect suspected', $3::jsonb, now(), now())`,
      [org, asset, JSON.stringify([{ kind: 'HEATMAP', frameId: stored.frameIds[4] }])],
    );
    expect(await applyFrameRetention(pool, store, 30, new Date(now))).toEqual({ framesDeleted: 2, bytesDeleted: 1 });
    const left = await pool.query('SELECT id FROM frames WHERE asset_id = $1 ORDER BY ts', [asset]);
    expect(left.rows.map((r) => r.id).sort()).toEqual([stored.frameIds[2], stored.frameIds[3], stored.frameIds[4], stored.frameIds[5]].sort());
    expect(await store.get(frameSha256(oldOnly!))).toBeNull();
    expect(await store.get(frameSha256(shared!))).not.toBeNull();
    expect(await applyFrameRetention(pool, store, 30, new Date(now))).toEqual({ framesDeleted: 0, bytesDeleted: 0 });
  });
});
