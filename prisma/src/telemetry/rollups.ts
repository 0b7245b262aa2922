// Rollups of telemetry at 1 minute, 1 hour and 1 day: point count, value count, sum, min, max,
// first, last and the count of good points per signal and bucket, and the value count, sum, min and
// max of the good points alone (reads average good points unless asked for every quality).
// Averages are always sum / value count, so coarser buckets and the asset hierarchy are rolled up
// from sums and counts, never by averaging averages.
// Native PostgreSQL: minutes touched by a write are marked dirty in the same statement and redone
// from raw points by refreshNativeRollups, then their hours and days from the minutes, so late and
// out-of-order points correct every level. TimescaleDB: continuous aggregates with the same columns.
import type pg from 'pg';

export const ROLLUP_WIDTHS = ['1m', '1h', '1d'] as const;
export type RollupWidth = (typeof ROLLUP_WIDTHS)[number];

/** Statistics of the good points alone; added to rollups made before they existed (addGoodColumns). */
const GOOD_COLUMNS = `good_value_count INTEGER NOT NULL DEFAULT 0,
    good_sum    DOUBLE PRECISION,
    good_min    DOUBLE PRECISION,
    good_max    DOUBLE PRECISION`;

export const ROLLUP_COLUMNS = `
    signal_id   UUID NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    bucket      TIMESTAMPTZ NOT NULL,
    count       INTEGER NOT NULL,
    value_count INTEGER NOT NULL,
    sum         DOUBLE PRECISION,
    min         DOUBLE PRECISION,
    max         DOUBLE PRECISION,
    first_time  TIMESTAMPTZ,
    first_value DOUBLE PRECISION,
    last_time   TIMESTAMPTZ,
    last_value  DOUBLE PRECISION,
    good_count  INTEGER NOT NULL,
    ${GOOD_COLUMNS},
    PRIMARY KEY (signal_id, bucket)`;

const UPSERT = `ON CONFLICT (signal_id, bucket) DO UPDATE SET count = EXCLUDED.count, value_count = EXCLUDED.value_count, sum = EXCLUDED.sum, min = EXCLUDED.min,
  max = EXCLUDED.max, first_time = EXCLUDED.first_time, first_value = EXCLUDED.first_value, last_time = EXCLUDED.last_time,
  last_value = EXCLUDED.last_value, good_count = EXCLUDED.good_count, good_value_count = EXCLUDED.good_value_count, good_sum = EXCLUDED.good_sum,
  good_min = EXCLUDED.good_min, good_max = EXCLUDED.good_max`;

const INSERT_COLUMNS = `signal_id, bucket, count, value_count, sum, min, max, first_time, first_value, last_time, last_value, good_count,
  good_value_count, good_sum, good_min, good_max`;

/** Coarser buckets from finer ones: sums of sums and counts, first of firsts, last of lasts. */
const fromFiner = (target: RollupWidth, source: RollupWidth, unit: 'hour' | 'day', keys: string) => `
INSERT INTO telemetry_${target} (${INSERT_COLUMNS})
SELECT r.signal_id, k.bucket, sum(r.count), sum(r.value_count), sum(r.sum), min(r.min), max(r.max),
       min(r.first_time), (array_agg(r.first_value ORDER BY r.first_time) FILTER (WHERE r.first_time IS NOT NULL))[1],
       max(r.last_time), (array_agg(r.last_value ORDER BY r.last_time DESC) FILTER (WHERE r.last_time IS NOT NULL))[1],
       sum(r.good_count), sum(r.good_value_count), sum(r.good_sum), min(r.good_min), max(r.good_max)
  FROM (SELECT DISTINCT signal_id, date_trunc('${unit}', bucket) AS bucket FROM ${keys}) k
  JOIN telemetry_${source} r ON r.signal_id = k.signal_id AND r.bucket >= k.bucket AND r.bucket < k.bucket + INTERVAL '1 ${unit}'
 GROUP BY r.signal_id, k.bucket
${UPSERT}`;

/** Redoes up to `maxMinutes` dirty minutes and the hours and days that contain them, in one transaction. */
export async function refreshNativeRollups(pool: pg.Pool, maxMinutes: number): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE claimed (signal_id UUID NOT NULL, bucket TIMESTAMPTZ NOT NULL) ON COMMIT DROP');
    await client.query(`
      WITH picked AS (SELECT signal_id, bucket FROM telemetry_dirty ORDER BY bucket LIMIT ${Math.floor(maxMinutes)} FOR UPDATE SKIP LOCKED),
      taken AS (DELETE FROM telemetry_dirty d USING picked p WHERE d.signal_id = p.signal_id AND d.bucket = p.bucket RETURNING d.signal_id, d.bucket)
      INSERT INTO claimed SELECT signal_id, bucket FROM taken`);
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM claimed');
    if (rows[0]!.n > 0) {
      await client.query(`
        INSERT INTO telemetry_1m (${INSERT_COLUMNS})
        SELECT t.signal_id, c.bucket, count(*), count(t.value), sum(t.value), min(t.value), max(t.value),
               min(t.time), (array_agg(t.value ORDER BY t.time))[1], max(t.time), (array_agg(t.value ORDER BY t.time DESC))[1],
               count(*) FILTER (WHERE t.quality = 0), count(t.value) FILTER (WHERE t.quality = 0), sum(t.value) FILTER (WHERE t.quality = 0),
               min(t.value) FILTER (WHERE t.quality = 0), max(t.value) FILTER (WHERE t.quality = 0)
          FROM claimed c
          JOIN telemetry t ON t.signal_id = c.signal_id AND t.time >= c.bucket AND t.time < c.bucket + INTERVAL '1 minute'
         GROUP BY t.signal_id, c.bucket
        ${UPSERT}`);
      await client.query(fromFiner('1h', '1m', 'hour', 'claimed'));
      await client.query(fromFiner('1d', '1h', 'day', 'claimed'));
    }
    await client.query('COMMIT');
    return rows[0]!.n;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Adds the good-point columns to native rollup tables made before they existed, and marks every
 * minute rolled up so far dirty, so the next refresh redoes them (and their hours and days) from
 * the raw points still kept. True when it added them.
 */
export async function addGoodColumns(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'telemetry_1m' AND column_name = 'good_sum'");
  if (rows.length > 0) return false;
  for (const width of ROLLUP_WIDTHS) {
    await pool.query(
      `ALTER TABLE telemetry_${width} ${GOOD_COLUMNS.split(',\n')
        .map((column) => `ADD COLUMN IF NOT EXISTS ${column.trim()}`)
        .join(', ')}`,
    );
  }
  await pool.query('INSERT INTO telemetry_dirty (signal_id, bucket) SELECT signal_id, bucket FROM telemetry_1m ON CONFLICT DO NOTHING');
  return true;
}

/** True when the continuous aggregates were made before the good-point columns, and must be made again. */
export async function timescaleRollupsOutdated(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(
    "SELECT (SELECT count(*) FROM information_schema.columns WHERE table_name = 'telemetry_1m') AS columns, (SELECT count(*) FROM information_schema.columns WHERE table_name = 'telemetry_1m' AND column_name = 'good_sum') AS good",
  );
  return Number(rows[0].columns) > 0 && Number(rows[0].good) === 0;
}

/** Continuous aggregates with the native rollups' columns (TimescaleDB only). */
export function timescaleRollupSql(): string[] {
  const base = `SELECT signal_id, time_bucket(INTERVAL '1 minute', time) AS bucket, count(*)::int AS count, count(value)::int AS value_count, sum(value) AS sum,
      min(value) AS min, max(value) AS max, min(time) AS first_time, first(value, time) AS first_value,
      max(time) AS last_time, last(value, time) AS last_value, (count(*) FILTER (WHERE quality = 0))::int AS good_count,
      (count(value) FILTER (WHERE quality = 0))::int AS good_value_count, sum(value) FILTER (WHERE quality = 0) AS good_sum,
      min(value) FILTER (WHERE quality = 0) AS good_min, max(value) FILTER (WHERE quality = 0) AS good_max
    FROM telemetry GROUP BY signal_id, time_bucket(INTERVAL '1 minute', time)`;
  const coarser = (width: string, source: string, interval: string) => `SELECT signal_id, time_bucket(INTERVAL '${interval}', bucket) AS bucket,
      sum(count)::int AS count, sum(value_count)::int AS value_count, sum(sum) AS sum, min(min) AS min, max(max) AS max, min(first_time) AS first_time,
      first(first_value, first_time) AS first_value, max(last_time) AS last_time, last(last_value, last_time) AS last_value,
      sum(good_count)::int AS good_count, sum(good_value_count)::int AS good_value_count, sum(good_sum) AS good_sum,
      min(good_min) AS good_min, max(good_max) AS good_max
    FROM telemetry_${source} GROUP BY signal_id, time_bucket(INTERVAL '${interval}', bucket)`;
  const view = (width: string, select: string, offset: string) => [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_${width} WITH (timescaledb.continuous) AS ${select} WITH NO DATA`,
    `SELECT add_continuous_aggregate_policy('telemetry_${width}', start_offset => INTERVAL '${offset}', end_offset => NULL, schedule_interval => INTERVAL '1 minute', if_not_exists => TRUE)`,
  ];
  return [...view('1m', base, '30 days'), ...view('1h', coarser('1h', '1m', '1 hour'), '60 days'), ...view('1d', coarser('1d', '1h', '1 day'), '400 days')];
}
