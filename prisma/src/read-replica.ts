// Reads on a streaming replica while it keeps up. A probe asks the primary where its WAL is and the
// replica how far behind it has replayed, every second: lag is 0 while the replica has replayed
// everything, else the time since it last replayed anything. Reads go to the replica while the lag
// is within the bound and it answers; to the primary otherwise, and, for a while after a caller
// wrote, that caller's reads too (they read what they just wrote).
import type pg from 'pg';
import type { Db } from './client.ts';
import type { Clock } from './clock.ts';
import { logger } from './logger.ts';

export interface ReplicaStatus {
  /** Whether reads go to the replica now (callers who just wrote excepted). */
  servingReads: boolean;
  /** How far the replica is behind, in time; null while it cannot be told. */
  lagMs: number | null;
  /** How far the replica is behind, in WAL bytes; null while it cannot be told. */
  lagBytes: number | null;
  maxLagMs: number;
  checkedAt: Date | null;
  /** Why reads are on the primary, when they are. */
  reason: string | null;
}

/** Where a caller's reads go: a pool per caller, ended together. */
export interface ReadPools {
  for(caller: string): pg.Pool;
  end(): Promise<void>;
}

/** Every caller on one pool (no replica). */
export function singlePool(pool: pg.Pool): ReadPools {
  return { for: () => pool, end: () => pool.end() };
}

const PROBE_MS = 1_000;

export class ReadReplica {
  private state: ReplicaStatus;
  private readonly writes = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private readonly primary: Db,
    readonly replica: Db,
    maxLagMs: number,
    private readonly clock: Clock,
  ) {
    this.state = { servingReads: false, lagMs: null, lagBytes: null, maxLagMs, checkedAt: null, reason: 'not checked yet' };
  }

  /** Probes now and then every second. */
  async start(): Promise<void> {
    await this.probe();
    // A probe that hangs (an unreachable replica) is not joined by more of them.
    this.timer = setInterval(() => {
      if (!this.probing) void this.probe();
    }, PROBE_MS);
    this.timer.unref();
  }

  status(): ReplicaStatus {
    return { ...this.state };
  }

  /** Marks a caller as having written: their reads stay on the primary for the lag bound. */
  wrote(caller: string): void {
    this.writes.set(caller, this.clock.nowMs());
  }

  /** Whether `caller`'s reads go to the replica now. */
  servesReadsOf(caller: string): boolean {
    if (!this.state.servingReads) return false;
    const wrote = this.writes.get(caller);
    if (wrote === undefined) return true;
    if (this.clock.nowMs() - wrote <= this.state.maxLagMs) return false;
    this.writes.delete(caller);
    return true;
  }

  /** The database a caller's reads go to now. */
  dbFor(caller: string): Db {
    return this.servesReadsOf(caller) ? this.replica : this.primary;
  }

  /** A pool per caller: the replica's while it serves their reads, the primary's otherwise; ends the replica's. */
  readPools(primary: pg.Pool, replica: pg.Pool): ReadPools {
    return {
      for: (caller) => (this.servesReadsOf(caller) ? replica : primary),
      end: async () => {
        await Promise.all([primary.end(), replica.end()]);
      },
    };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.replica.close();
  }

  private async probe(): Promise<void> {
    this.probing = true;
    const was = this.state.servingReads;
    // Writers whose bound has passed are forgotten, so the map holds only recent ones.
    for (const [caller, at] of this.writes) if (this.clock.nowMs() - at > this.state.maxLagMs) this.writes.delete(caller);
    try {
      const { rows: head } = await this.primary.pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const { rows } = await this.replica.pool.query<{ recovering: boolean; bytes: number | null; since_replay_ms: number | null }>(
        `SELECT pg_is_in_recovery() AS recovering,
                pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::float8 AS bytes,
                (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS since_replay_ms`,
        [head[0]!.lsn],
      );
      const { recovering, bytes, since_replay_ms } = rows[0]!;
      const lagBytes = bytes === null ? null : Math.max(0, bytes);
      const lagMs = lagBytes === 0 ? 0 : since_replay_ms;
      const reason = !recovering
        ? 'DATABASE_READ_URL is not a replica (not in recovery)'
        : lagMs === null
          ? 'the replica has not replayed anything yet'
          : lagMs > this.state.maxLagMs
            ? `the replica is ${Math.round(lagMs)} ms behind (bound ${this.state.maxLagMs} ms)`
            : null;
      this.state = { ...this.state, servingReads: reason === null, lagMs, lagBytes, checkedAt: this.clock.now(), reason };
    } catch (err) {
      this.state = {
        ...this.state,
        servingReads: false,
        lagMs: null,
        lagBytes: null,
        checkedAt: this.clock.now(),
        reason: `the replica cannot be checked: ${(err as Error).message}`,
      };
    }
    this.probing = false;
    if (was !== this.state.servingReads) {
      logger.warn({ lagMs: this.state.lagMs, reason: this.state.reason }, this.state.servingReads ? 'reads back on the replica' : 'reads on the primary');
    }
  }
}
