// Native telemetry storage: idempotent on (signal, time), late and out-of-order points accepted,
// and points that arrived before their partition existed moved into it when it is created.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { refreshNativeRollups } from './rollups.ts';
import { dropBiViews } from '../exports/bi-views.ts';
import { NativeTelemetryStorage, openTelemetryStorage, Quality } from './storage.ts';

describe('native telemetry storage', () => {
  let pool: pg.Pool;
  let storage: NativeTelemetryStorage;
  let signalId: string;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: (await createTestDatabase()).url, max: 3 });
    storage = (await openTelemetryStorage(pool)) as NativeTelemetryStorage;
    signalId = (await pool.query<{ id: string }>('SELECT id FROM signals ORDER BY id LIMIT 1')).rows[0]!.id;
  });
  afterAll(async () => pool?.end());

  it('is chosen when TimescaleDB is not installed', () => {
    expect(storage.kind).toBe('native');
  });

  it('stores a resent point once and reports it as a duplicate', async () => {
    const t = new Date();
    const points = [
      { signalId, time: t, value: 1.5 },
      { signalId, time: new Date(t.getTime() + 1000), value: 2.5, quality: Quality.OUT_OF_RANGE },
    ];
    expect(await storage.write(points)).toEqual({ inserted: 2, duplicates: 0 });
    expect(await storage.write([...points, points[0]!])).toEqual({ inserted: 0, duplicates: 3 });
    const stored = await storage.read(signalId, new Date(t.getTime() - 1), new Date(t.getTime() + 2000));
    expect(stored.map((p) => [p.value, p.quality])).toEqual([
      [1.5, Quality.GOOD],
      [2.5, Quality.OUT_OF_RANGE],
    ]);
  });

  it('accepts a point far older than any partition, then moves it into the partition made for it', async () => {
    const old = new Date('2020-03-04T05:06:07.000Z');
    expect(await storage.write([{ signalId, time: old, value: 7 }])).toEqual({ inserted: 1, duplicates: 0 });
    const inDefault = await pool.query('SELECT count(*)::int AS n FROM telemetry_default WHERE time = $1', [old]);
    expect(inDefault.rows[0].n).toBe(1);
    expect(await storage.ensurePartitions(new Date('2020-03-04T00:00:00Z'), new Date('2020-03-05T00:00:00Z'))).toBe(1);
    const moved = await pool.query('SELECT tableoid::regclass::text AS part FROM telemetry WHERE time = $1', [old]);
    expect(moved.rows).toEqual([{ part: 'telemetry_p20200304' }]);
    expect(await storage.write([{ signalId, time: old, value: 7 }])).toEqual({ inserted: 0, duplicates: 1 });
  });

  it('drops partitions and rollups past the retention policy and keeps the rest', async () => {
    const recent = new Date();
    await storage.write([{ signalId, time: recent, value: 1 }]);
    const before = await pool.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'telemetry'::regclass");
    const result = await storage.applyRetention({ rawDays: 20, minuteDays: 20, hourDays: null });
    expect(result.partitionsDropped).toBeGreaterThanOrEqual(11); // 2020-03-04 and the days 30 to 21 ago
    const after = await pool.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'telemetry'::regclass");
    expect(after.rows[0].n).toBe(before.rows[0].n - result.partitionsDropped);
    expect((await pool.query("SELECT count(*)::int AS n FROM telemetry WHERE time < now() - interval '20 days'")).rows[0].n).toBe(0);
    expect((await storage.read(signalId, new Date(recent.getTime() - 1), new Date(recent.getTime() + 1))).length).toBe(1);
  });

  it('rolls up a point whose write commits while a rollup refresh takes its minute', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    await storage.write([{ signalId, time: new Date(minute), value: 1 }]); // the minute is dirty
    // A second write to the same minute, in a transaction that stays open while the refresh runs.
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await new NativeTelemetryStorage(writer as unknown as pg.Pool, 1).write([{ signalId, time: new Date(minute + 1_000), value: 2 }]);
      await refreshNativeRollups(pool, 10_000);
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    await refreshNativeRollups(pool, 10_000);
    const {
      rows: [rollup],
    } = await pool.query<{ count: number; sum: number }>('SELECT count, sum FROM telemetry_1m WHERE signal_id = $1 AND bucket = $2', [
      signalId,
      new Date(minute),
    ]);
    expect(rollup).toEqual({ count: 2, sum: 3 });
  });

  it('adds the good-point statistics to rollups made before them, redoing the minutes from the raw points', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 7_200_000;
    await storage.write([
      { signalId, time: new Date(minute), value: 4 },
      { signalId, time: new Date(minute + 1_000), value: 40, quality: Quality.BAD },
    ]);
    await refreshNativeRollups(pool, 10_000);
    // As an earlier release left them: no good-point columns (and no bi views over them).
    await dropBiViews(pool);
    for (const width of ['1m', '1h', '1d']) {
      await pool.query(`ALTER TABLE telemetry_${width} DROP COLUMN good_value_count, DROP COLUMN good_sum, DROP COLUMN good_min, DROP COLUMN good_max`);
    }
    await storage.install();
    await refreshNativeRollups(pool, 100_000);
    const { rows } = await pool.query(
      'SELECT value_count, sum, good_value_count, good_sum, good_min, good_max FROM telemetry_1m WHERE signal_id = $1 AND bucket = $2',
      [signalId, new Date(minute)],
    );
    expect(rows).toEqual([{ value_count: 2, sum: 44, good_value_count: 1, good_sum: 4, good_min: 4, good_max: 4 }]);
  });

  it('refuses a point for a signal that does not exist', async () => {
    await expect(storage.write([{ signalId: '00000000-0000-4000-8000-000000000000', time: new Date(), value: 1 }])).rejects.toThrow(/foreign key/);
  });
});
