// Loads assets' telemetry for feature windows in one query: per asset a time range, the signals
// named by the feature spec, good and out-of-range points (bad-quality points are left out). The
// series are what the workers' feature code (workers/src/ml/features.ts) computes windows from.
import type pg from 'pg';

/** One signal's points in time order: epoch ms, values, and when each was received (epoch ms). */
export interface SeriesPoints {
  t: number[];
  v: number[];
  r?: number[];
}

/** An asset's points by signal name. */
export type AssetSeries = Map<string, SeriesPoints>;

/** A series loader bound to one organisation, as the pure model code takes it. */
export type SeriesLoader = (ranges: readonly SeriesRange[], signalNames: readonly string[]) => Promise<Map<string, AssetSeries>>;

export interface SeriesRange {
  assetId: string;
  /** Exclusive start and inclusive end, epoch ms. */
  after: number;
  upTo: number;
}

/** Binds loadSeries to one organisation. */
export function seriesLoaderOf(pool: pg.Pool, organizationId: string): SeriesLoader {
  return (ranges, signalNames) => loadSeries(pool, organizationId, ranges, signalNames);
}

export async function loadSeries(
  pool: pg.Pool | pg.PoolClient,
  organizationId: string,
  ranges: readonly SeriesRange[],
  signalNames: readonly string[],
): Promise<Map<string, AssetSeries>> {
  const result = new Map<string, AssetSeries>(ranges.map((r) => [r.assetId, new Map()]));
  if (ranges.length === 0) return result;
  const { rows } = await pool.query<[string, string, number, number, number]>({
    text: `SELECT s.asset_id, s.name, extract(epoch FROM t.time) * 1000, t.value, extract(epoch FROM t.received_at) * 1000
             FROM unnest($2::uuid[], $3::float8[], $4::float8[]) AS w(asset_id, after_ms, up_to_ms)
             JOIN signals s ON s.organization_id = $1 AND s.asset_id = w.asset_id AND s.name = ANY($5::text[])
             JOIN telemetry t ON t.signal_id = s.id AND t.time > to_timestamp(w.after_ms / 1000.0) AND t.time <= to_timestamp(w.up_to_ms / 1000.0)
            WHERE t.value IS NOT NULL AND t.quality < 3`,
    values: [organizationId, ranges.map((r) => r.assetId), ranges.map((r) => r.after), ranges.map((r) => r.upTo), signalNames],
    rowMode: 'array',
  });
  for (const [assetId, name, t, v, r] of rows) {
    const series = result.get(assetId)!;
    let points = series.get(name);
    if (!points) series.set(name, (points = { t: [], v: [], r: [] }));
    points.t.push(Number(t));
    points.v.push(v);
    points.r!.push(Number(r));
  }
  // Index scans return each signal's points in time order; sort only a series that is not.
  for (const series of result.values()) for (const points of series.values()) sortByTime(points);
  return result;
}

function sortByTime(points: SeriesPoints): void {
  let sorted = true;
  for (let i = 1; i < points.t.length && sorted; i += 1) sorted = points.t[i - 1]! <= points.t[i]!;
  if (sorted) return;
  const order = points.t.map((_, i) => i).sort((a, b) => points.t[a]! - points.t[b]!);
  const pick = <T>(values: T[]) => order.map((i) => values[i]!);
  points.t = pick(points.t);
  points.v = pick(points.v);
  if (points.r) points.r = pick(points.r);
}
