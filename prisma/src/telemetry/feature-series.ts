// Loads assets' telemetry for feature windows in one query: per asset a time range, the signals
// named by the feature spec, good and out-of-range points (bad-quality points are left out), and
// for state signals also their last point before the range (a state holds until it changes). With
// the assets' attributes a spec's categorical inputs name, these are what the workers' feature code
// (workers/src/ml/features.ts) computes windows from.
import type pg from 'pg';
import { rawSqlOf, rows, type RawSql } from '../sql.ts';
import { assetAttributeNames, inputSignalNames, stateSignalNames, type CategoricalInput, type FeatureSpec } from '../models/feature-spec.ts';

/** One signal's points in time order: epoch ms, values, and when each was received (epoch ms). */
export interface SeriesPoints {
  t: number[];
  v: number[];
  r?: number[];
}

/** An asset's points by signal name. */
export type AssetSeries = Map<string, SeriesPoints>;

/** What features of one asset are computed from: its series and the attributes its categorical inputs name. */
export interface FeatureInputs {
  series: AssetSeries;
  attributes: ReadonlyMap<string, string>;
}

/** The part of a feature spec that says what to load. */
export type InputsSpec = Pick<FeatureSpec, 'signals' | 'categorical'>;

/** A feature-input loader bound to one organisation, as the pure model code takes it. */
export type SeriesLoader = (ranges: readonly SeriesRange[], spec: InputsSpec) => Promise<Map<string, FeatureInputs>>;

export interface SeriesRange {
  assetId: string;
  /** Exclusive start and inclusive end, epoch ms. */
  after: number;
  upTo: number;
}

/** Binds loadFeatureInputs to one organisation. */
export function seriesLoaderOf(pool: pg.Pool, organizationId: string): SeriesLoader {
  return (ranges, spec) => loadFeatureInputs(pool, organizationId, ranges, spec);
}

/** Per asset of `ranges`: the series of the spec's signals (state signals from their last point before the range) and the attributes it names. */
export async function loadFeatureInputs(
  pool: pg.Pool | pg.PoolClient,
  organizationId: string,
  ranges: readonly SeriesRange[],
  spec: InputsSpec,
): Promise<Map<string, FeatureInputs>> {
  const series = await loadSeries(pool, organizationId, ranges, inputSignalNames(spec), stateSignalNames(spec));
  const names = assetAttributeNames(spec);
  const assets = names.length > 0 ? await loadAssetAttributes(rawSqlOf(pool), organizationId, [...series.keys()]) : new Map<string, AssetAttributes>();
  return new Map([...series].map(([assetId, s]) => [assetId, { series: s, attributes: assets.get(assetId)?.attributes ?? new Map() }]));
}

export interface AssetAttributes {
  code: string;
  attributes: Map<string, string>;
}

/**
 * Assets' codes and attributes by asset id: model_number, manufacturer, line and site (codes), and
 * every `key=value` tag as key → value (a tag may not shadow the named attributes).
 */
export async function loadAssetAttributes(db: RawSql, organizationId: string, assetIds: readonly string[]): Promise<Map<string, AssetAttributes>> {
  const assets = await rows<AssetRecord & { id: string; code: string }>(
    db,
    `SELECT a.id, a.code, a.model_number AS "modelNumber", a.manufacturer, l.code AS line, s.code AS site, a.tags
       FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
       JOIN sites s ON s.organization_id = l.organization_id AND s.id = l.site_id
      WHERE a.organization_id = $1::uuid AND a.id = ANY($2::uuid[])`,
    organizationId,
    assetIds,
  );
  return new Map(assets.map((a) => [a.id, { code: a.code, attributes: attributesOf(a) }]));
}

interface AssetRecord {
  modelNumber: string | null;
  manufacturer: string | null;
  line: string;
  site: string;
  tags: readonly string[];
}

function attributesOf(asset: AssetRecord): Map<string, string> {
  const tags = asset.tags.flatMap((t) => {
    const at = t.indexOf('=');
    return at > 0 ? [[t.slice(0, at).trim(), t.slice(at + 1).trim()] as const] : [];
  });
  const named = Object.entries({ model_number: asset.modelNumber, manufacturer: asset.manufacturer, line: asset.line, site: asset.site }).filter(
    (e): e is [string, string] => e[1] !== null,
  );
  return new Map([...tags, ...named]);
}

/**
 * The values a categorical input takes on `assetIds` over (after, upTo], sorted: an attribute's
 * values, or a state signal's values in the range and at its start (the state then held).
 */
export async function loadCategories(
  pool: pg.Pool | pg.PoolClient,
  organizationId: string,
  input: Pick<CategoricalInput, 'source' | 'name'>,
  assetIds: readonly string[],
  range: { after: number; upTo: number },
): Promise<string[]> {
  let values: string[];
  if (input.source === 'ASSET') {
    values = [...(await loadAssetAttributes(rawSqlOf(pool), organizationId, assetIds)).values()].flatMap((a) => a.attributes.get(input.name) ?? []);
  } else {
    const series = await loadSeries(
      pool,
      organizationId,
      assetIds.map((assetId) => ({ assetId, ...range })),
      [input.name],
      [input.name],
    );
    values = [...series.values()].flatMap((s) => s.get(input.name)?.v.map(String) ?? []);
  }
  return [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

const IN_RANGES = `SELECT s.asset_id, s.name, extract(epoch FROM t.time) * 1000, t.value, extract(epoch FROM t.received_at) * 1000
             FROM unnest($2::uuid[], $3::float8[], $4::float8[]) AS w(asset_id, after_ms, up_to_ms)
             JOIN signals s ON s.organization_id = $1 AND s.asset_id = w.asset_id AND s.name = ANY($5::text[])
             JOIN telemetry t ON t.signal_id = s.id AND t.time > to_timestamp(w.after_ms / 1000.0) AND t.time <= to_timestamp(w.up_to_ms / 1000.0)
            WHERE t.value IS NOT NULL AND t.quality < 3`;
/** Per range, each carried signal's last point at or before the range's start ($6: the carried names). */
const CARRIED = `SELECT s.asset_id, s.name, extract(epoch FROM p.time) * 1000, p.value, extract(epoch FROM p.received_at) * 1000
             FROM unnest($2::uuid[], $3::float8[]) AS w(asset_id, after_ms)
             JOIN signals s ON s.organization_id = $1 AND s.asset_id = w.asset_id AND s.name = ANY($6::text[])
             CROSS JOIN LATERAL (SELECT time, value, received_at FROM telemetry t
                                  WHERE t.signal_id = s.id AND t.time <= to_timestamp(w.after_ms / 1000.0) AND t.value IS NOT NULL AND t.quality < 3
                                  ORDER BY t.time DESC LIMIT 1) p`;

/**
 * Series of `signalNames` per asset over its ranges (overlapping ranges of an asset are read once);
 * for the `carried` among them, also the last point at or before each range's start.
 */
export async function loadSeries(
  pool: pg.Pool | pg.PoolClient,
  organizationId: string,
  ranges: readonly SeriesRange[],
  signalNames: readonly string[],
  carried: readonly string[] = [],
): Promise<Map<string, AssetSeries>> {
  const result = new Map<string, AssetSeries>(ranges.map((r) => [r.assetId, new Map()]));
  if (ranges.length === 0) return result;
  const merged = mergeRanges(ranges);
  const { rows } = await pool.query<[string, string, number, number, number]>({
    text: carried.length > 0 ? `${IN_RANGES} UNION ALL ${CARRIED}` : IN_RANGES,
    values: [
      organizationId,
      merged.map((r) => r.assetId),
      merged.map((r) => r.after),
      merged.map((r) => r.upTo),
      signalNames,
      ...(carried.length > 0 ? [carried] : []),
    ],
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
  for (const series of result.values()) for (const points of series.values()) inTimeOrder(points);
  return result;
}

/** The ranges with each asset's overlapping or touching ones joined. */
function mergeRanges(ranges: readonly SeriesRange[]): SeriesRange[] {
  const merged: SeriesRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.assetId.localeCompare(b.assetId) || a.after - b.after)) {
    const last = merged.at(-1);
    if (last && last.assetId === range.assetId && range.after <= last.upTo) last.upTo = Math.max(last.upTo, range.upTo);
    else merged.push({ ...range });
  }
  return merged;
}

/** Sorts a series that is not in time order, and keeps one point per time (a point carried into a range may lie in an earlier one). */
function inTimeOrder(points: SeriesPoints): void {
  let ordered = true;
  for (let i = 1; i < points.t.length && ordered; i += 1) ordered = points.t[i - 1]! < points.t[i]!;
  if (ordered) return;
  const order = points.t
    .map((_, i) => i)
    .sort((a, b) => points.t[a]! - points.t[b]!)
    .filter((i, k, sorted) => k === 0 || points.t[i] !== points.t[sorted[k - 1]!]);
  const pick = <T>(values: T[]) => order.map((i) => values[i]!);
  points.t = pick(points.t);
  points.v = pick(points.v);
  if (points.r) points.r = pick(points.r);
}
