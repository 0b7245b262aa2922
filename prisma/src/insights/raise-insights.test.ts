// Insights raised by batches that finish side by side, against real PostgreSQL: the newer batch
// waits for the older one's transaction and goes on from the insight it opened, so the newer
// evidence is what stays open, whichever batch took the slot first.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../client.ts';
import { inTransaction } from '../sql.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { raiseInsights, type InsightCandidate, type InsightSource } from './raise-insights.ts';

describe('raising insights', () => {
  let pool: pg.Pool;
  let org: string;
  let asset: string;

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 3 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    asset = (await pool.query("SELECT id FROM assets WHERE code = 'LEJ-L1-VIS01'")).rows[0].id;
  });
  afterAll(async () => pool?.end());

  it('keeps the newer batch’s insight open when an older batch for the same asset commits beside it', async () => {
    const source: InsightSource = { key: 'model:side-by-side', kind: 'THRESHOLD', fromFallback: false, modelVersionId: null, useCaseId: null };
    const t = Date.parse('2026-12-01T10:00:00Z');
    const window = (minutes: number, score: number): InsightCandidate => ({
      assetId: asset,
      windowEnd: t + minutes * 60_000,
      score,
      predictionId: null,
      windowMs: 0,
      earliestReceived: null,
      describe: () => ({ explanation: [], title: `score ${score} at +${minutes} min` }),
    });
    let releaseOlder = () => {};
    const olderHeld = new Promise<void>((resolve) => (releaseOlder = resolve));
    let olderRaised = () => {};
    const olderInserted = new Promise<void>((resolve) => (olderRaised = resolve));
    // The older batch raises on its last window and holds its transaction open.
    const older = inTransaction(pool, async (db) => {
      await raiseInsights(db, org, source, 0.5, [window(0, 0.1), window(1, 0.9)]);
      olderRaised();
      await olderHeld;
    });
    await olderInserted;
    // The newer batch: a good part, then a defect.
    let newerPid: number | null = null;
    const newer = inTransaction(pool, async (db, client) => {
      newerPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      return raiseInsights(db, org, source, 0.5, [window(10, 0.1), window(11, 0.9)]);
    });
    await waitFor('the newer batch waiting on the older', async () => {
      if (newerPid === null) return false;
      const waiting = await pool.query('SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted', [newerPid]);
      return waiting.rows[0].n > 0;
    });
    releaseOlder();
    await older;
    expect(await newer).toBe(1);
    const insights = await pool.query<{ end: Date; resolved: boolean }>(
      'SELECT evidence_end_at AS end, resolved_at IS NOT NULL AS resolved FROM insights WHERE organization_id = $1 AND source_key = $2 ORDER BY evidence_end_at',
      [org, source.key],
    );
    expect(insights.rows.map((r) => ({ end: r.end.getTime(), resolved: r.resolved }))).toEqual([
      { end: t + 60_000, resolved: true },
      { end: t + 11 * 60_000, resolved: false },
    ]);
  });
});
