// Telemetry points (signal, time, value, quality, received time) behind one interface: a
// TimescaleDB hypertable with compression where the extension is available, native range
// partitions by day otherwise (docs/adr/0003-telemetry-storage.md). Idempotent on (signal, time).
import type pg from 'pg';
import { addGoodColumns, refreshNativeRollups, ROLLUP_COLUMNS, ROLLUP_WIDTHS, timescaleRollupSql, timescaleRollupsOutdated } from './rollups.ts';
import { systemClock, type Clock } from '../clock.ts';

/** Quality codes, ordered from good to bad. */
export const Quality = { GOOD: 0, OUT_OF_RANGE: 1, UNCERTAIN: 2, BAD: 3 } as const;
export type QualityCode = (typeof Quality)[keyof typeof Quality];

export interface TelemetryPoint {
  signalId: string;
  time: Date;
  value: number | null;
  quality?: QualityCode;
  receivedAt?: Date;
}

export interface StoredPoint {
  signalId: string;
  time: Date;
  value: number | null;
  quality: QualityCode;
  receivedAt: Date;
}

export interface WriteResult {
  inserted: number;
  duplicates: number;
}

export type StorageKind = 'timescaledb' | 'native';

export interface TelemetryStorage {
  readonly kind: StorageKind;
  /** Creates the tables (partitions, rollups); needs the owner role; idempotent. */
  install(): Promise<void>;
  /** Makes sure partitions cover [from, to); returns how many were created. */
  ensurePartitions(from: Date, to: Date): Promise<number>;
  write(points: readonly TelemetryPoint[]): Promise<WriteResult>;
  /** Writes points over any stored at the same (signal, time), on `db` (a transaction's client) when given: calculated signals. */
  replace(points: readonly TelemetryPoint[], db?: pg.ClientBase): Promise<number>;
  read(signalId: string, from: Date, to: Date, limit?: number): Promise<StoredPoint[]>;
  /** Brings the 1 min, 1 h and 1 day rollups up to date with what was written; returns minutes redone. */
  refreshRollups(maxMinutes?: number): Promise<number>;
  /** Removes raw points and rollups older than the policy keeps them; needs the owner role. */
  applyRetention(policy: RetentionPolicy, now?: Date): Promise<RetentionResult>;
}

/** Days each level is kept; null keeps it for ever. */
export interface RetentionPolicy {
  rawDays: number;
  minuteDays: number;
  hourDays: number | null;
}

export interface RetentionResult {
  partitionsDropped: number;
  rollupRowsDeleted: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 90, minuteDays: 180, hourDays: 3 * 365 };

const DAY_MS = 86_400_000;
// Times travel as epoch milliseconds: node-postgres formats Date parameters slowly.
const insertRows = (onConflict: string) => `
INSERT INTO telemetry (signal_id, time, value, quality, received_at)
SELECT s, to_timestamp(t / 1000.0), v, q, to_timestamp(r / 1000.0)
  FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::int2[], $5::float8[]) AS u(s, t, v, q, r)
ON CONFLICT (signal_id, time) ${onConflict}`;
const INSERT_ROWS = insertRows('DO NOTHING');
/** Calculated signals' values are replaced when their inputs change. */
const REPLACE_ROWS = insertRows('DO UPDATE SET value = EXCLUDED.value, quality = EXCLUDED.quality, received_at = EXCLUDED.received_at');

/**
 * Native storage also marks the minutes the batch touches ($6, $7), for the rollup refresh to
 * redo; in the same statement, so a stored point is never left out of its rollups. A minute already
 * marked is locked (a no-op update) until the write commits: the refresh skips locked marks, so it
 * cannot take the mark and redo the minute before this write's points are visible to it.
 */
const markingDirty = (insert: string) => `
WITH inserted AS (${insert} RETURNING 1),
marked AS (
  INSERT INTO telemetry_dirty (signal_id, bucket)
  SELECT s, to_timestamp(m / 1000.0) FROM unnest($6::uuid[], $7::float8[]) AS d(s, m)
  ON CONFLICT (signal_id, bucket) DO UPDATE SET bucket = EXCLUDED.bucket
)
SELECT count(*)::int AS inserted FROM inserted`;
const INSERT_MARKING_DIRTY = markingDirty(INSERT_ROWS);
const REPLACE_MARKING_DIRTY = markingDirty(REPLACE_ROWS);

const MINUTE_MS = 60_000;

/**
 * The distinct (signal, minute) pairs of a batch, as two parallel arrays, ordered by signal and
 * minute: concurrent writes lock the marks they share in the same order, so they cannot deadlock.
 */
function touchedMinutes(points: readonly TelemetryPoint[]): [string, string] {
  const bySignal = new Map<string, Set<number>>();
  for (const p of points) {
    const minute = Math.floor(p.time.getTime() / MINUTE_MS) * MINUTE_MS;
    const minutes = bySignal.get(p.signalId);
    if (minutes) minutes.add(minute);
    else bySignal.set(p.signalId, new Set([minute]));
  }
  const signals: string[] = [];
  const minutes: number[] = [];
  for (const signalId of [...bySignal.keys()].sort()) {
    for (const minute of [...bySignal.get(signalId)!].sort((a, b) => a - b)) {
      signals.push(signalId);
      minutes.push(minute);
    }
  }
  return [arrayLiteral(signals), arrayLiteral(minutes)];
}

/**
 * A PostgreSQL array literal of UUIDs, finite numbers and nulls, none of which needs quoting:
 * node-postgres would quote and escape every element of a large batch one by one.
 */
function arrayLiteral(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
}

export async function timescaleAvailable(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  return rows.length > 0;
}

/** Picks TimescaleDB when the server offers it, native partitioning otherwise. */
export async function openTelemetryStorage(pool: pg.Pool, partitionDays = 1, clock: Clock = systemClock): Promise<TelemetryStorage> {
  return (await timescaleAvailable(pool)) ? new TimescaleTelemetryStorage(pool, partitionDays, clock) : new NativeTelemetryStorage(pool, partitionDays, clock);
}

abstract class SqlTelemetryStorage implements TelemetryStorage {
  abstract readonly kind: StorageKind;
  constructor(
    protected readonly pool: pg.Pool,
    protected readonly partitionDays: number,
    protected readonly clock: Clock = systemClock,
  ) {}
  protected abstract readonly insertSql: string;
  protected abstract readonly replaceSql: string;
  /** Parameters the insert takes after the five columns. */
  protected extraParams(_points: readonly TelemetryPoint[]): unknown[] {
    return [];
  }
  abstract install(): Promise<void>;
  abstract ensurePartitions(from: Date, to: Date): Promise<number>;
  abstract refreshRollups(maxMinutes?: number): Promise<number>;
  protected abstract dropRawBefore(cutoff: Date): Promise<number>;

  async applyRetention(policy: RetentionPolicy, now = this.clock.now()): Promise<RetentionResult> {
    const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const partitionsDropped = await this.dropRawBefore(before(policy.rawDays));
    let rollupRowsDeleted = 0;
    for (const [width, days] of [
      ['1m', policy.minuteDays],
      ['1h', policy.hourDays],
    ] as const) {
      if (days !== null) rollupRowsDeleted += (await this.deleteRollupsBefore(width, before(days))) ?? 0;
    }
    return { partitionsDropped, rollupRowsDeleted };
  }

  protected async deleteRollupsBefore(width: string, cutoff: Date): Promise<number> {
    return (await this.pool.query(`DELETE FROM telemetry_${width} WHERE bucket < $1`, [cutoff])).rowCount ?? 0;
  }

  async write(points: readonly TelemetryPoint[]): Promise<WriteResult> {
    if (points.length === 0) return { inserted: 0, duplicates: 0 };
    const inserted = await this.run(this.pool, this.insertSql, points);
    return { inserted, duplicates: points.length - inserted };
  }

  async replace(points: readonly TelemetryPoint[], db: pg.ClientBase | pg.Pool = this.pool): Promise<number> {
    return points.length === 0 ? 0 : this.run(db, this.replaceSql, points);
  }

  private async run(db: pg.ClientBase | pg.Pool, sql: string, points: readonly TelemetryPoint[]): Promise<number> {
    const now = this.clock.now();
    const result = await db.query<{ inserted?: number }>(sql, [
      arrayLiteral(points.map((p) => p.signalId)),
      arrayLiteral(points.map((p) => p.time.getTime())),
      arrayLiteral(points.map((p) => p.value)),
      arrayLiteral(points.map((p) => p.quality ?? Quality.GOOD)),
      arrayLiteral(points.map((p) => (p.receivedAt ?? now).getTime())),
      ...this.extraParams(points),
    ]);
    return result.rows[0]?.inserted ?? result.rowCount ?? 0;
  }

  async read(signalId: string, from: Date, to: Date, limit = 10_000): Promise<StoredPoint[]> {
    const { rows } = await this.pool.query<{ signal_id: string; time: Date; value: number | null; quality: number; received_at: Date }>(
      `SELECT signal_id, time, value, quality, received_at FROM telemetry
        WHERE signal_id = $1 AND time >= $2 AND time < $3 ORDER BY time LIMIT $4`,
      [signalId, from, to, limit],
    );
    return rows.map((r) => ({ signalId: r.signal_id, time: r.time, value: r.value, quality: r.quality as QualityCode, receivedAt: r.received_at }));
  }
}

const TABLE_COLUMNS = `
    signal_id   UUID NOT NULL REFERENCES signals(id) ON DELETE CASCADE,
    time        TIMESTAMPTZ(3) NOT NULL,
    value       DOUBLE PRECISION,
    quality     SMALLINT NOT NULL DEFAULT 0,
    received_at TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    PRIMARY KEY (signal_id, time)`;

const grantApp = (tables: string) => `
DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'threadline_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables} TO threadline_app;
  END IF;
END $$`;

export class NativeTelemetryStorage extends SqlTelemetryStorage {
  readonly kind = 'native' as const;
  protected readonly insertSql = INSERT_MARKING_DIRTY;
  protected readonly replaceSql = REPLACE_MARKING_DIRTY;

  protected override extraParams(points: readonly TelemetryPoint[]): unknown[] {
    return touchedMinutes(points);
  }

  async install(): Promise<void> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS telemetry (${TABLE_COLUMNS}) PARTITION BY RANGE (time)`);
    // The default partition catches points outside every range, so a late or far-future point is
    // never refused; ensurePartitions moves them into their range when it creates it.
    await this.pool.query('CREATE TABLE IF NOT EXISTS telemetry_default PARTITION OF telemetry DEFAULT');
    await this.pool.query('CREATE TABLE IF NOT EXISTS telemetry_dirty (signal_id UUID NOT NULL, bucket TIMESTAMPTZ NOT NULL, PRIMARY KEY (signal_id, bucket))');
    for (const width of ROLLUP_WIDTHS) await this.pool.query(`CREATE TABLE IF NOT EXISTS telemetry_${width} (${ROLLUP_COLUMNS})`);
    await addGoodColumns(this.pool);
    await this.pool.query(grantApp(['telemetry', 'telemetry_dirty', ...ROLLUP_WIDTHS.map((w) => `telemetry_${w}`)].join(', ')));
    const now = this.clock.nowMs();
    await this.ensurePartitions(new Date(now - 30 * DAY_MS), new Date(now + 14 * DAY_MS));
  }

  refreshRollups(maxMinutes = 20_000): Promise<number> {
    return refreshNativeRollups(this.pool, maxMinutes);
  }

  /** Drops whole partitions that end before the cutoff, and old points in the default partition. */
  protected async dropRawBefore(cutoff: Date): Promise<number> {
    const { rows } = await this.pool.query<{ name: string; upper: Date }>(`
      SELECT c.relname AS name, (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'telemetry'::regclass AND c.relname <> 'telemetry_default'`);
    const old = rows.filter((r) => r.upper <= cutoff);
    for (const partition of old) await this.pool.query(`DROP TABLE ${partition.name}`);
    await this.pool.query('DELETE FROM telemetry_default WHERE time < $1', [cutoff]);
    return old.length;
  }

  async ensurePartitions(from: Date, to: Date): Promise<number> {
    const width = this.partitionDays * DAY_MS;
    let created = 0;
    for (let start = Math.floor(from.getTime() / width) * width; start < to.getTime(); start += width) {
      if (await this.createPartition(new Date(start), new Date(start + width))) created += 1;
    }
    return created;
  }

  private async createPartition(start: Date, end: Date): Promise<boolean> {
    const name = `telemetry_p${start.toISOString().slice(0, 10).replaceAll('-', '')}`;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const exists = await client.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]);
      if (exists.rows.length > 0) {
        await client.query('ROLLBACK');
        return false;
      }
      const range = [start.toISOString(), end.toISOString()];
      await client.query(`CREATE TABLE ${name} (LIKE telemetry INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await client.query(
        `WITH moved AS (DELETE FROM telemetry_default WHERE time >= $1 AND time < $2 RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        range,
      );
      await client.query(`ALTER TABLE telemetry ATTACH PARTITION ${name} FOR VALUES FROM ('${range[0]}') TO ('${range[1]}')`);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

export class TimescaleTelemetryStorage extends SqlTelemetryStorage {
  readonly kind = 'timescaledb' as const;
  protected readonly insertSql = INSERT_ROWS;
  protected readonly replaceSql = REPLACE_ROWS;

  async install(): Promise<void> {
    await this.pool.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await this.pool.query(`CREATE TABLE IF NOT EXISTS telemetry (${TABLE_COLUMNS})`);
    await this.pool.query(`SELECT create_hypertable('telemetry', by_range('time', INTERVAL '${this.partitionDays} days'), if_not_exists => TRUE)`);
    await this.pool.query("ALTER TABLE telemetry SET (timescaledb.compress, timescaledb.compress_segmentby = 'signal_id')");
    await this.pool.query("SELECT add_compression_policy('telemetry', INTERVAL '7 days', if_not_exists => TRUE)");
    const remade = await timescaleRollupsOutdated(this.pool);
    // Made before the good-point columns: made again, then filled from the raw points still kept.
    if (remade) for (const width of [...ROLLUP_WIDTHS].reverse()) await this.pool.query(`DROP MATERIALIZED VIEW IF EXISTS telemetry_${width} CASCADE`);
    for (const sql of timescaleRollupSql()) await this.pool.query(sql);
    if (remade) for (const width of ROLLUP_WIDTHS) await this.pool.query(`CALL refresh_continuous_aggregate('telemetry_${width}', NULL, NULL)`);
    await this.pool.query(grantApp(['telemetry', ...ROLLUP_WIDTHS.map((w) => `telemetry_${w}`)].join(', ')));
  }

  /** Continuous aggregates refresh themselves on their policies. */
  async refreshRollups(): Promise<number> {
    return 0;
  }

  protected async dropRawBefore(cutoff: Date): Promise<number> {
    const { rows } = await this.pool.query("SELECT drop_chunks('telemetry', older_than => $1::timestamptz)", [cutoff]);
    return rows.length;
  }

  /** Continuous aggregates are materialised views: their chunks are dropped the same way. */
  protected override async deleteRollupsBefore(width: string, cutoff: Date): Promise<number> {
    const { rows } = await this.pool.query(`SELECT drop_chunks('telemetry_${width}', older_than => $1::timestamptz)`, [cutoff]);
    return rows.length;
  }

  /** TimescaleDB creates chunks as points arrive. */
  async ensurePartitions(): Promise<number> {
    return 0;
  }
}
