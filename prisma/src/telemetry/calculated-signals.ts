// Computes calculated signals from the points the ingest path stores: for each input a batch
// touched, the signals it feeds are recomputed from the batch's first point to as far as that
// point can reach (the hold, a rolling window), so a late or out-of-order point corrects the values
// it changes; changed values replace the stored ones (and redo their rollups), and feed in turn the
// calculated signals built on them. One calculated signal is recomputed by one writer at a time.
import type pg from 'pg';
import type { SignalCatalog } from './signal-catalog.ts';
import type { TelemetryPoint, TelemetryStorage } from './storage.ts';
import { calculateValues, type Series } from './calculated-values.ts';
import { lookbackMs as windowOf } from './signal-expression.ts';
import type { Calculation } from './calculations.ts';
import { inTransaction } from '../sql.ts';

/** Calculated signals built on calculated signals are followed at most this deep (cycles are refused on write). */
const MAX_DEPTH = 16;

interface Span {
  from: number;
  to: number;
}

function widen(spans: Map<string, Span>, id: string, from: number, to: number): void {
  const span = spans.get(id);
  if (span) {
    span.from = Math.min(span.from, from);
    span.to = Math.max(span.to, to);
  } else spans.set(id, { from, to });
}

/** Per signal, the first and last time of the points. */
export function spansOf(points: readonly TelemetryPoint[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const p of points) widen(spans, p.signalId, p.time.getTime(), p.time.getTime());
  return spans;
}

const INPUT_POINTS = `
  SELECT signal_id AS id, round(extract(epoch FROM time) * 1000)::float8 AS t, value AS v, quality AS q FROM telemetry
   WHERE signal_id = ANY($1::uuid[]) AND time >= to_timestamp($2 / 1000.0) AND time < to_timestamp($3 / 1000.0) AND value IS NOT NULL AND quality < 3
  UNION ALL
  SELECT p.* FROM unnest($1::uuid[]) AS i(id) CROSS JOIN LATERAL (
    SELECT signal_id AS id, round(extract(epoch FROM time) * 1000)::float8 AS t, value AS v, quality AS q FROM telemetry
     WHERE signal_id = i.id AND time < to_timestamp($2 / 1000.0) AND time >= to_timestamp(($2 - $4) / 1000.0) AND value IS NOT NULL AND quality < 3
     ORDER BY time DESC LIMIT 1) p`;

export class CalculatedSignals {
  constructor(
    private readonly pool: pg.Pool,
    private readonly storage: TelemetryStorage,
    private readonly catalog: SignalCatalog,
  ) {}

  /** Recomputes what the stored points feed; returns, per host asset of a changed value, its latest changed time. */
  async afterWrite(organizationId: string, points: readonly TelemetryPoint[]): Promise<Map<string, number>> {
    const { calculations, dependents } = await this.catalog.calculations(organizationId);
    const changed = new Map<string, number>();
    if (dependents.size === 0) return changed;
    let touched = spansOf(points);
    for (let depth = 0; depth < MAX_DEPTH && touched.size > 0; depth += 1) {
      const due = new Map<string, Span>();
      for (const [inputId, span] of touched) {
        for (const id of dependents.get(inputId) ?? []) widen(due, id, span.from, span.to + calculations.get(id)!.lookbackMs);
      }
      touched = new Map();
      for (const [id, span] of due) {
        const calculation = calculations.get(id)!;
        const written = await this.recompute(calculation, span.from, span.to + 1);
        if (written.length === 0) continue;
        const reached = spansOf(written).get(id)!;
        touched.set(id, reached);
        changed.set(calculation.assetId, Math.max(changed.get(calculation.assetId) ?? -Infinity, reached.to));
      }
    }
    return changed;
  }

  /** Recomputes one calculated signal over [fromMs, toMs) from the stored inputs, whatever fed them; returns the values it changed. */
  async recalculate(organizationId: string, signalId: string, fromMs: number, toMs: number): Promise<TelemetryPoint[] | null> {
    const calculation = (await this.catalog.calculations(organizationId, true)).calculations.get(signalId);
    if (!calculation) return null;
    const written = await this.recompute(calculation, fromMs, toMs);
    if (written.length > 0) await this.afterWrite(organizationId, written);
    return written;
  }

  private recompute(c: Calculation, fromMs: number, toMs: number): Promise<TelemetryPoint[]> {
    return inTransaction(this.pool, async (_db, client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`calculated-signal:${c.signalId}`]);
      const start = fromMs - windowOf(c.expr);
      const inputs = await client.query<{ id: string; t: number; v: number; q: number }>(INPUT_POINTS, [[...c.inputIds], start, toMs, c.holdMs]);
      const series = new Map<string, Series>();
      for (const p of inputs.rows.sort((a, b) => a.t - b.t)) {
        let s = series.get(p.id);
        if (!s) series.set(p.id, (s = { times: [], values: [], qualities: [] }));
        s.times.push(p.t);
        s.values.push(p.v);
        s.qualities.push(p.q as Series['qualities'][number]);
      }
      const values = calculateValues(c.expr, c.inputs, series, c.holdMs, fromMs, toMs);
      const stored = await client.query<{ t: number; v: number | null; q: number }>(
        `SELECT round(extract(epoch FROM time) * 1000)::float8 AS t, value AS v, quality AS q FROM telemetry
          WHERE signal_id = $1 AND time >= to_timestamp($2 / 1000.0) AND time < to_timestamp($3 / 1000.0)`,
        [c.signalId, fromMs, toMs],
      );
      const before = new Map(stored.rows.map((r) => [r.t, r]));
      const changed = values
        .filter((v) => {
          const old = before.get(v.time);
          return !old || old.v !== v.value || old.q !== v.quality;
        })
        .map((v) => ({ signalId: c.signalId, time: new Date(v.time), value: v.value, quality: v.quality }));
      await this.storage.replace(changed, client);
      return changed;
    });
  }
}
