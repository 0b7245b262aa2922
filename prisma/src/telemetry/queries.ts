// Reads of telemetry for dashboards and integrators: rollup series, raw samples with their
// bounding value, latest values per asset, and rollups of the asset hierarchy (asset → line →
// site) computed from sums and counts. Every query names its organisation.
import type pg from 'pg';
import type { RollupWidth } from './rollups.ts';
import type { RawSample } from './part13.ts';
import type { QualityCode } from './storage.ts';

export interface BucketStats {
  bucket: Date;
  points: number;
  average: number | null;
  min: number | null;
  max: number | null;
  first: number | null;
  last: number | null;
  /** Share of points with GOOD quality, 0-100. */
  percentGoodPoints: number;
}

export interface LatestValue {
  signalId: string;
  time: Date;
  value: number | null;
  quality: QualityCode;
}

export type HierarchyLevel = 'asset' | 'line' | 'site';

export interface HierarchyBucket {
  groupId: string;
  groupName: string;
  bucket: Date;
  /** Mean of every value of the group's signals: Σ sums / Σ value counts. */
  average: number | null;
  /** Sum over the group's signals of each one's mean (e.g. a line's total power). */
  total: number | null;
  min: number | null;
  max: number | null;
  points: number;
  signals: number;
}

const GROUP: Record<HierarchyLevel, { id: string; name: string; join: string }> = {
  asset: { id: 'a.id', name: 'a.name', join: '' },
  line: { id: 'l.id', name: 'l.name', join: 'JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id' },
  site: {
    id: 'si.id',
    name: 'si.name',
    join: 'JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id JOIN sites si ON si.organization_id = l.organization_id AND si.id = l.site_id',
  },
};

export interface PointRow {
  signalId: string;
  time: Date;
  value: number | null;
  quality: QualityCode;
  receivedAt: Date;
}

/** The rollup columns a read's statistics come from: the good points' by default, or every point's. */
function statsColumns(allQualities: boolean) {
  return allQualities
    ? { count: 'value_count', sum: 'sum', min: 'min', max: 'max' }
    : { count: 'good_value_count', sum: 'good_sum', min: 'good_min', max: 'good_max' };
}

export class TelemetryQueries {
  /** On a pool, or on one checked-out connection (the API's read gate sets its statement timeout). */
  constructor(private readonly pool: pg.Pool | pg.PoolClient) {}

  /** Raw points of one signal in [from, to), oldest first, after the point at `after` (a keyset cursor). */
  async points(organizationId: string, signalId: string, from: Date, to: Date, limit: number, after: Date | null): Promise<PointRow[]> {
    const { rows } = await this.pool.query<{ signal_id: string; time: Date; value: number | null; quality: number; received_at: Date }>(
      `SELECT t.signal_id, t.time, t.value, t.quality, t.received_at
         FROM telemetry t JOIN signals s ON s.id = t.signal_id AND s.organization_id = $1
        WHERE t.signal_id = $2 AND t.time >= $3 AND t.time < $4 AND ($6::timestamptz IS NULL OR t.time > $6)
        ORDER BY t.time LIMIT $5`,
      [organizationId, signalId, from, to, limit, after],
    );
    return rows.map((r) => ({ signalId: r.signal_id, time: r.time, value: r.value, quality: r.quality as QualityCode, receivedAt: r.received_at }));
  }

  /** Average, min and max of the good points, or of every point with a value when `allQualities`. */
  async series(organizationId: string, signalId: string, from: Date, to: Date, width: RollupWidth, allQualities = false): Promise<BucketStats[]> {
    const stats = statsColumns(allQualities);
    const { rows } = await this.pool.query<{
      bucket: Date;
      count: number;
      value_count: number;
      sum: number | null;
      min: number | null;
      max: number | null;
      first_value: number | null;
      last_value: number | null;
      good_count: number;
    }>(
      `SELECT r.bucket, r.count, r.${stats.count} AS value_count, r.${stats.sum} AS sum, r.${stats.min} AS min, r.${stats.max} AS max,
              r.first_value, r.last_value, r.good_count
         FROM telemetry_${width} r JOIN signals s ON s.id = r.signal_id AND s.organization_id = $1
        WHERE r.signal_id = $2 AND r.bucket >= $3 AND r.bucket < $4 ORDER BY r.bucket`,
      [organizationId, signalId, from, to],
    );
    return rows.map((r) => ({
      bucket: r.bucket,
      points: r.count,
      average: r.value_count > 0 && r.sum !== null ? r.sum / r.value_count : null,
      min: r.min,
      max: r.max,
      first: r.first_value,
      last: r.last_value,
      percentGoodPoints: r.count > 0 ? (100 * r.good_count) / r.count : 0,
    }));
  }

  /** Points in [from, to) plus the last one before `from`, for stepped aggregates. */
  async samples(organizationId: string, signalId: string, from: Date, to: Date, limit: number): Promise<RawSample[]> {
    const { rows } = await this.pool.query<{ time: Date; value: number | null; quality: number }>(
      `(SELECT t.time, t.value, t.quality FROM telemetry t JOIN signals s ON s.id = t.signal_id AND s.organization_id = $1
          WHERE t.signal_id = $2 AND t.time < $3 ORDER BY t.time DESC LIMIT 1)
       UNION ALL
       (SELECT t.time, t.value, t.quality FROM telemetry t JOIN signals s ON s.id = t.signal_id AND s.organization_id = $1
          WHERE t.signal_id = $2 AND t.time >= $3 AND t.time < $4 ORDER BY t.time LIMIT $5)
       ORDER BY time`,
      [organizationId, signalId, from, to, limit],
    );
    return rows.map((r) => ({ time: r.time.getTime(), value: r.value, good: r.quality === 0 }));
  }

  async latest(organizationId: string, assetId: string): Promise<LatestValue[]> {
    const { rows } = await this.pool.query<{ signal_id: string; time: Date; value: number | null; quality: number }>(
      `SELECT s.id AS signal_id, l.time, l.value, l.quality FROM signals s
         CROSS JOIN LATERAL (SELECT t.time, t.value, t.quality FROM telemetry t WHERE t.signal_id = s.id ORDER BY t.time DESC LIMIT 1) l
        WHERE s.organization_id = $1 AND s.asset_id = $2 ORDER BY s.name`,
      [organizationId, assetId],
    );
    return rows.map((r) => ({ signalId: r.signal_id, time: r.time, value: r.value, quality: r.quality as QualityCode }));
  }

  /** Rollups of every signal named `signalName` grouped by asset, line or site. */
  async hierarchy(
    organizationId: string,
    level: HierarchyLevel,
    signalName: string,
    from: Date,
    to: Date,
    width: RollupWidth,
    allQualities = false,
  ): Promise<HierarchyBucket[]> {
    const group = GROUP[level];
    const stats = statsColumns(allQualities);
    const { rows } = await this.pool.query<{
      group_id: string;
      group_name: string;
      bucket: Date;
      sum: number | null;
      value_count: number;
      total: number | null;
      min: number | null;
      max: number | null;
      points: number;
      signals: number;
    }>(
      `SELECT ${group.id} AS group_id, ${group.name} AS group_name, r.bucket,
              sum(r.${stats.sum}) AS sum, sum(r.${stats.count})::int AS value_count,
              sum(r.${stats.sum} / NULLIF(r.${stats.count}, 0)) AS total, min(r.${stats.min}) AS min, max(r.${stats.max}) AS max,
              sum(r.count)::int AS points, count(DISTINCT r.signal_id)::int AS signals
         FROM telemetry_${width} r
         JOIN signals s ON s.id = r.signal_id
         JOIN assets a ON a.organization_id = s.organization_id AND a.id = s.asset_id
         ${group.join}
        WHERE s.organization_id = $1 AND s.name = $2 AND r.bucket >= $3 AND r.bucket < $4
        GROUP BY ${group.id}, ${group.name}, r.bucket
        ORDER BY ${group.name}, r.bucket`,
      [organizationId, signalName, from, to],
    );
    return rows.map((r) => ({
      groupId: r.group_id,
      groupName: r.group_name,
      bucket: r.bucket,
      average: r.value_count > 0 && r.sum !== null ? r.sum / r.value_count : null,
      total: r.total,
      min: r.min,
      max: r.max,
      points: r.points,
      signals: r.signals,
    }));
  }
}
