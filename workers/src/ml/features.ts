// Features from a feature spec: for each window end on the scoring grid, the aggregates of every
// signal over (end - window, end], the one-hot categorical inputs (a state signal's value at the
// end, an asset attribute), then the spec's derived features (products, ratios, differences and
// sums of two aggregates, valued by prisma's derived-features.ts as tables are). The one
// implementation used by training, the inference workers and the edge command, so a model sees the
// same numbers wherever it runs.
import { aggregateNames, categoryCount, type Aggregate, type FeatureSpec } from '@threadline/db/models/feature-spec';
import { fillDerived, resolveDerived } from '@threadline/db/models/derived-features';
import type { AssetSeries, FeatureInputs, SeriesPoints } from '@threadline/db/telemetry/feature-series';

export type { AssetSeries, FeatureInputs, SeriesPoints };

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

export interface FeatureRow {
  windowEnd: number;
  values: Float64Array;
  /** Points inside the window, over all signals. */
  points: number;
  /** The smallest share of the window any signal's points span (0 when a signal has none, whose features take their reference values). */
  coverage: number;
  /** Earliest and latest receipt of a point in the window (null without receipt times or points). */
  earliestReceived: number | null;
  latestReceived: number | null;
}

/**
 * Whether a model may score the window: every signal's points span at least half of it. Shorter
 * spans (a signal that just started reporting, a gap) give slopes and spreads the model never saw.
 */
export const MIN_COVERAGE = 0.5;
export const scorable = (row: FeatureRow): boolean => row.coverage >= MIN_COVERAGE;

/** Window ends on the spec's grid in (after, upTo], oldest first. */
export function gridEnds(spec: Pick<FeatureSpec, 'stepSeconds'>, after: number, upTo: number): number[] {
  const step = spec.stepSeconds * 1000;
  const ends: number[] = [];
  for (let end = Math.floor(after / step) * step + step; end <= upTo; end += step) ends.push(end);
  return ends;
}

/**
 * Features of one asset at each window end (ascending), from its series and the attributes its
 * categorical inputs name (the numeric signals' windows alone decide coverage and points).
 */
export function computeFeatures(
  spec: FeatureSpec,
  series: AssetSeries,
  windowEnds: readonly number[],
  attributes: ReadonlyMap<string, string> = NO_ATTRIBUTES,
): FeatureRow[] {
  const width = spec.aggregates.length;
  const base = spec.signals.length * width;
  const categories = categoryCount(spec);
  const derived = resolveDerived(aggregateNames(spec), spec.derived ?? []);
  const states = stateCursors(spec, series, attributes);
  const windowMs = spec.windowSeconds * 1000;
  const cursors = spec.signals.map((s) => ({ points: series.get(s.name), lo: 0, hi: 0 }));
  const rows: FeatureRow[] = [];
  let previous = -Infinity;
  for (const end of windowEnds) {
    if (end < previous) throw new Error('window ends must ascend');
    previous = end;
    const values = new Float64Array(base + categories + derived.length);
    let points = 0;
    let coverage = 1;
    let earliest = Infinity;
    let latest = -Infinity;
    cursors.forEach((cursor, s) => {
      const p = cursor.points;
      if (p) {
        while (cursor.lo < p.t.length && p.t[cursor.lo]! <= end - windowMs) cursor.lo += 1;
        if (cursor.hi < cursor.lo) cursor.hi = cursor.lo;
        while (cursor.hi < p.t.length && p.t[cursor.hi]! <= end) cursor.hi += 1;
      }
      const count = p ? cursor.hi - cursor.lo : 0;
      for (let a = 0; a < width; a += 1) {
        values[s * width + a] = count === 0 ? spec.reference[s * width + a]! : aggregate(spec.aggregates[a]!, p!, cursor.lo, cursor.hi, end);
      }
      points += count;
      coverage = Math.min(coverage, count === 0 ? 0 : (p!.t[cursor.hi - 1]! - p!.t[cursor.lo]!) / windowMs);
      if (p?.r && count > 0) {
        for (let i = cursor.lo; i < cursor.hi; i += 1) {
          if (p.r[i]! < earliest) earliest = p.r[i]!;
          if (p.r[i]! > latest) latest = p.r[i]!;
        }
      }
    });
    for (const state of states) state.fill(values, end);
    fillDerived(values, base + categories, derived);
    rows.push({
      windowEnd: end,
      values,
      points,
      coverage,
      earliestReceived: Number.isFinite(earliest) ? earliest : null,
      latestReceived: Number.isFinite(latest) ? latest : null,
    });
  }
  return rows;
}

/**
 * Per categorical input, what sets its one-hot feature at a window end: the category of a state
 * signal's last point at or before the end, or of the asset's attribute; an unseen value or none
 * sets nothing.
 */
function stateCursors(spec: FeatureSpec, series: AssetSeries, attributes: ReadonlyMap<string, string>) {
  let offset = spec.signals.length * spec.aggregates.length;
  return (spec.categorical ?? []).map((input) => {
    const at = offset;
    offset += input.categories.length;
    const slot = (value: string | undefined) => (value === undefined ? -1 : input.categories.indexOf(value));
    if (input.source === 'ASSET') {
      const fixed = slot(attributes.get(input.name));
      return {
        fill: (values: Float64Array) => {
          if (fixed >= 0) values[at + fixed] = 1;
        },
      };
    }
    const points = series.get(input.name);
    let next = 0;
    return {
      fill: (values: Float64Array, end: number) => {
        while (points && next < points.t.length && points.t[next]! <= end) next += 1;
        const k = next > 0 ? slot(String(points!.v[next - 1])) : -1;
        if (k >= 0) values[at + k] = 1;
      },
    };
  });
}

function aggregate(kind: Aggregate, p: SeriesPoints, lo: number, hi: number, end: number): number {
  const n = hi - lo;
  switch (kind) {
    case 'last':
      return p.v[hi - 1]!;
    case 'min': {
      let m = Infinity;
      for (let i = lo; i < hi; i += 1) m = Math.min(m, p.v[i]!);
      return m;
    }
    case 'max': {
      let m = -Infinity;
      for (let i = lo; i < hi; i += 1) m = Math.max(m, p.v[i]!);
      return m;
    }
    case 'mean':
      return sum(p.v, lo, hi) / n;
    case 'std': {
      const mean = sum(p.v, lo, hi) / n;
      let squares = 0;
      for (let i = lo; i < hi; i += 1) squares += (p.v[i]! - mean) ** 2;
      return Math.sqrt(squares / n);
    }
    case 'slope': {
      // Least-squares change per minute, times measured from the window end.
      if (n < 2) return 0;
      let mx = 0;
      let my = 0;
      for (let i = lo; i < hi; i += 1) {
        mx += (p.t[i]! - end) / 60_000;
        my += p.v[i]!;
      }
      mx /= n;
      my /= n;
      let sxy = 0;
      let sxx = 0;
      for (let i = lo; i < hi; i += 1) {
        const dx = (p.t[i]! - end) / 60_000 - mx;
        sxy += dx * (p.v[i]! - my);
        sxx += dx * dx;
      }
      return sxx === 0 ? 0 : sxy / sxx;
    }
  }
}

function sum(values: number[], lo: number, hi: number): number {
  let total = 0;
  for (let i = lo; i < hi; i += 1) total += values[i]!;
  return total;
}
