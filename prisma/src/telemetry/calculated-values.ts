// The values of a calculated signal, as a pure function of its inputs' points: one value at each
// time any input has a point, each input read as of that time (its latest usable point no older
// than the hold), hierarchy aggregates over the inputs that have such a point, rolling functions
// over the points in their trailing window. A value is GOOD when every point used is, UNCERTAIN otherwise.
import type { Expr } from './signal-expression.ts';
import { Quality, type QualityCode } from './storage.ts';

/** One input's usable points (value not null, quality better than BAD), oldest first. */
export interface Series {
  times: number[];
  values: number[];
  qualities: QualityCode[];
}

/** Where each reference of the expression reads: the host's own signal, or each asset's in scope. */
export interface ResolvedInputs {
  self: ReadonlyMap<string, string>;
  scoped: ReadonlyMap<string, readonly string[]>;
}

export interface CalculatedValue {
  time: number;
  value: number;
  quality: QualityCode;
}

export const scopedKey = (scope: string, name: string) => `${scope}.${name}`;

/** Index of the last point at or before `t`, or -1. */
function lastAtOrBefore(times: readonly number[], t: number): number {
  let low = 0;
  let high = times.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

class Evaluation {
  quality: QualityCode = Quality.GOOD;
  constructor(
    private readonly inputs: ResolvedInputs,
    private readonly series: ReadonlyMap<string, Series>,
    private readonly holdMs: number,
    private readonly t: number,
  ) {}

  private asOf(signalId: string | undefined): number | null {
    const s = signalId === undefined ? undefined : this.series.get(signalId);
    if (!s) return null;
    const i = lastAtOrBefore(s.times, this.t);
    if (i < 0 || this.t - s.times[i]! > this.holdMs) return null;
    this.worsen(s.qualities[i]!);
    return s.values[i]!;
  }

  private worsen(quality: QualityCode): void {
    if (quality > this.quality) this.quality = quality;
  }

  value(e: Expr): number | null {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'signal':
        return this.asOf(this.inputs.self.get(e.name));
      case 'aggregate': {
        const found = (this.inputs.scoped.get(scopedKey(e.scope, e.name)) ?? []).map((id) => this.asOf(id)).filter((v): v is number => v !== null);
        if (e.fn === 'count') return found.length;
        if (found.length === 0) return null;
        if (e.fn === 'sum') return found.reduce((a, b) => a + b, 0);
        if (e.fn === 'avg') return found.reduce((a, b) => a + b, 0) / found.length;
        return e.fn === 'min' ? Math.min(...found) : Math.max(...found);
      }
      case 'rolling': {
        const s = this.series.get(this.inputs.self.get(e.name) ?? '');
        if (!s) return null;
        const last = lastAtOrBefore(s.times, this.t);
        const first = lastAtOrBefore(s.times, this.t - e.windowMs) + 1;
        if (last < first) return null;
        const window = s.values.slice(first, last + 1);
        for (let i = first; i <= last; i += 1) this.worsen(s.qualities[i]!);
        if (e.fn === 'rolling_min') return Math.min(...window);
        if (e.fn === 'rolling_max') return Math.max(...window);
        const sum = window.reduce((a, b) => a + b, 0);
        return e.fn === 'rolling_sum' ? sum : sum / window.length;
      }
      case 'negate': {
        const v = this.value(e.operand);
        return v === null ? null : -v;
      }
      case 'binary': {
        const left = this.value(e.left);
        const right = this.value(e.right);
        if (left === null || right === null) return null;
        if (e.op === '+') return left + right;
        if (e.op === '-') return left - right;
        if (e.op === '*') return left * right;
        return right === 0 ? null : left / right;
      }
      case 'call': {
        const args = e.args.map((arg) => this.value(arg));
        if (args.some((a) => a === null)) return null;
        const values = args as number[];
        if (e.fn === 'abs') return Math.abs(values[0]!);
        return e.fn === 'min' ? Math.min(...values) : Math.max(...values);
      }
    }
  }
}

/**
 * The calculated values at each input point time in [from, to); a time where the expression has
 * no value (an input without a recent point, a division by zero) is left out.
 */
export function calculateValues(
  e: Expr,
  inputs: ResolvedInputs,
  series: ReadonlyMap<string, Series>,
  holdMs: number,
  from: number,
  to: number,
): CalculatedValue[] {
  const times = new Set<number>();
  for (const s of series.values()) {
    for (let i = Math.max(0, lastAtOrBefore(s.times, from - 1) + 1); i < s.times.length && s.times[i]! < to; i += 1) times.add(s.times[i]!);
  }
  const out: CalculatedValue[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const evaluation = new Evaluation(inputs, series, holdMs, t);
    const value = evaluation.value(e);
    if (value !== null && Number.isFinite(value)) out.push({ time: t, value, quality: evaluation.quality === Quality.GOOD ? Quality.GOOD : Quality.UNCERTAIN });
  }
  return out;
}
