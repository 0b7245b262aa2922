// The calculated signals of an organisation as a graph: each one's parsed expression with its
// references resolved to signal ids over the plant hierarchy (the host asset's own signals, its
// line's, its site's, its children's), which signals each input feeds, and the checks a definition
// must pass before it is stored: every reference known, one unit where units meet, no cycle.
import { parseExpression, referencesOf, lookbackMs, ExpressionError, type Expr } from './signal-expression.ts';
import { formatUnit, parseUnit, sameUnit, unitOf, UnitMismatch, type Unit } from './signal-units.ts';
import { scopedKey, type ResolvedInputs } from './calculated-values.ts';
import { Refusal } from '../refusal.ts';
import { rows, type RawSql } from '../sql.ts';

/** How long an input's last point stands for its value when none is given. */
export const DEFAULT_HOLD_SECONDS = 300;

export interface PlantSignal {
  id: string;
  assetId: string;
  name: string;
  unit: string | null;
  lineId: string;
  siteId: string;
  parentId: string | null;
  expression: string | null;
  holdSeconds: number;
}

export interface Calculation {
  signalId: string;
  assetId: string;
  expr: Expr;
  holdMs: number;
  /** How far before an input point the calculation reads (hold and rolling windows). */
  lookbackMs: number;
  inputs: ResolvedInputs;
  inputIds: ReadonlySet<string>;
}

export const PLANT_SIGNALS_SQL = `
  SELECT s.id, s.asset_id AS "assetId", s.name, s.unit, a.line_id AS "lineId", l.site_id AS "siteId", a.parent_id AS "parentId",
         s.expression, s.hold_seconds AS "holdSeconds"
    FROM signals s JOIN assets a ON a.organization_id = s.organization_id AND a.id = s.asset_id
    JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
   WHERE s.organization_id = $1`;

export function loadPlantSignals(db: RawSql, organizationId: string): Promise<PlantSignal[]> {
  return rows<PlantSignal>(db, PLANT_SIGNALS_SQL, organizationId);
}

/** Lookups of the plant's signals by the keys references use. */
class PlantIndex {
  private readonly byAsset = new Map<string, Map<string, PlantSignal>>();
  private readonly assets = new Map<string, { lineId: string; siteId: string; parentId: string | null }>();

  constructor(signals: readonly PlantSignal[]) {
    for (const s of signals) {
      this.assets.set(s.assetId, { lineId: s.lineId, siteId: s.siteId, parentId: s.parentId });
      let named = this.byAsset.get(s.assetId);
      if (!named) this.byAsset.set(s.assetId, (named = new Map()));
      named.set(s.name, s);
    }
  }

  own(assetId: string, name: string): PlantSignal | undefined {
    return this.byAsset.get(assetId)?.get(name);
  }

  /** The signal named `name` on each asset of the host's line, site or children (the host included on its line and site). */
  scoped(host: { assetId: string; lineId: string; siteId: string }, scope: string, name: string): PlantSignal[] {
    const found: PlantSignal[] = [];
    for (const [assetId, where] of this.assets) {
      const inScope = scope === 'line' ? where.lineId === host.lineId : scope === 'site' ? where.siteId === host.siteId : where.parentId === host.assetId;
      const signal = inScope ? this.own(assetId, name) : undefined;
      if (signal) found.push(signal);
    }
    return found;
  }
}

/** The references of `expr` resolved for a signal on `host`, or the reason one cannot be. */
function resolve(
  expr: Expr,
  host: { assetId: string; lineId: string; siteId: string },
  index: PlantIndex,
): { inputs: ResolvedInputs; signals: PlantSignal[] } | string {
  const self = new Map<string, string>();
  const scoped = new Map<string, string[]>();
  const signals: PlantSignal[] = [];
  for (const ref of referencesOf(expr)) {
    if (ref.scope === 'self') {
      const signal = index.own(host.assetId, ref.name);
      if (!signal) return `unknown signal ${ref.name}: the asset has no signal of that name`;
      self.set(ref.name, signal.id);
      signals.push(signal);
    } else {
      const found = index.scoped(host, ref.scope, ref.name);
      if (found.length === 0)
        return `unknown signal ${ref.scope}.${ref.name}: no asset ${ref.scope === 'children' ? 'under this one' : `on this ${ref.scope}`} has a signal ${ref.name}`;
      scoped.set(
        scopedKey(ref.scope, ref.name),
        found.map((s) => s.id),
      );
      signals.push(...found);
    }
  }
  return { inputs: { self, scoped }, signals };
}

/** The graph of an organisation's calculated signals; one that no longer resolves is left out. */
export function buildCalculations(signals: readonly PlantSignal[]): Map<string, Calculation> {
  const index = new PlantIndex(signals);
  const calculations = new Map<string, Calculation>();
  for (const s of signals) {
    if (s.expression === null) continue;
    let expr: Expr;
    try {
      expr = parseExpression(s.expression);
    } catch {
      continue;
    }
    const resolved = resolve(expr, s, index);
    if (typeof resolved === 'string') continue;
    const holdMs = s.holdSeconds * 1_000;
    calculations.set(s.id, {
      signalId: s.id,
      assetId: s.assetId,
      expr,
      holdMs,
      lookbackMs: Math.max(holdMs, lookbackMs(expr)),
      inputs: resolved.inputs,
      inputIds: new Set(resolved.signals.map((r) => r.id)),
    });
  }
  return calculations;
}

/** Input signal id → the calculated signals it feeds. */
export function dependentsOf(calculations: ReadonlyMap<string, Calculation>): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const c of calculations.values()) {
    for (const input of c.inputIds) dependents.set(input, [...(dependents.get(input) ?? []), c.signalId]);
  }
  return dependents;
}

/** The names of the calculated signals (asset code/name) that read the signal. */
export async function calculatedReaders(db: RawSql, organizationId: string, signalId: string): Promise<string[]> {
  const signals = await loadPlantSignals(db, organizationId);
  if (!signals.some((s) => s.expression !== null)) return [];
  const names = new Map(signals.map((s) => [s.id, s.name]));
  return [...buildCalculations(signals).values()].filter((c) => c.inputIds.has(signalId) && c.signalId !== signalId).map((c) => names.get(c.signalId)!);
}

export interface CalculationDraft {
  /** The signal being changed; absent for a new one. */
  id?: string;
  assetId: string;
  name: string;
  expression: string;
  /** The unit the engineer declared; null to take the expression's. */
  unit: string | null;
}

/**
 * Checks a calculated signal before it is stored; returns its unit (the declared one, or the
 * expression's), or refuses with the reason: a parse error, an unknown signal, a unit mismatch or
 * a cycle through other calculated signals.
 */
export async function checkCalculation(db: RawSql, organizationId: string, draft: CalculationDraft): Promise<string | null> {
  let expr: Expr;
  try {
    expr = parseExpression(draft.expression);
  } catch (error) {
    if (error instanceof ExpressionError) throw new Refusal(`expression: ${error.message}`, 'expression');
    throw error;
  }
  const existing = (await loadPlantSignals(db, organizationId)).filter((s) => s.id !== draft.id);
  const host = (
    await rows<{ lineId: string; siteId: string; parentId: string | null }>(
      db,
      `SELECT a.line_id AS "lineId", l.site_id AS "siteId", a.parent_id AS "parentId" FROM assets a
         JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id WHERE a.organization_id = $1 AND a.id = $2`,
      organizationId,
      draft.assetId,
    )
  )[0];
  if (!host) throw new Refusal(`assetId ${draft.assetId} is not an asset of your organisation.`, 'assetId', 'NOT_FOUND');
  const self: PlantSignal = {
    id: draft.id ?? 'new',
    assetId: draft.assetId,
    name: draft.name,
    unit: draft.unit,
    ...host,
    expression: draft.expression,
    holdSeconds: 1,
  };
  const index = new PlantIndex([...existing, self]);
  const resolved = resolve(expr, self, index);
  if (typeof resolved === 'string') throw new Refusal(`expression: ${resolved}`, 'expression');
  const unit = expressionUnit(expr, self, index);
  if (draft.unit !== null && !sameUnit(parseUnit(draft.unit), unit)) {
    throw new Refusal(`expression: its unit is ${formatUnit(unit) || 'none'}, not ${draft.unit}; change the unit or the expression`, 'unit');
  }
  const cycle = cycleThrough(self.id, [...existing, self], index);
  if (cycle) throw new Refusal(`expression: it would depend on itself through ${cycle.join(' → ')}`, 'expression');
  return draft.unit ?? (formatUnit(unit) || null);
}

function expressionUnit(expr: Expr, host: PlantSignal, index: PlantIndex): Unit {
  try {
    return unitOf(expr, (scope, name) => {
      if (scope === 'self') return parseUnit(index.own(host.assetId, name)?.unit);
      const units = index.scoped(host, scope, name).map((s) => ({ unit: parseUnit(s.unit), text: s.unit ?? 'no unit' }));
      const different = units.find((u) => !sameUnit(u.unit, units[0]!.unit));
      if (different) throw new UnitMismatch(`${scope}.${name} has signals in ${units[0]!.text} and in ${different.text}`);
      return units[0]!.unit;
    });
  } catch (error) {
    if (error instanceof UnitMismatch) throw new Refusal(`expression: unit mismatch: ${error.message}`, 'expression');
    throw error;
  }
}

/** The names along a dependency cycle that returns to `start`, or null. */
function cycleThrough(start: string, signals: readonly PlantSignal[], index: PlantIndex): string[] | null {
  const byId = new Map(signals.map((s) => [s.id, s]));
  const inputsOf = (s: PlantSignal): PlantSignal[] => {
    if (s.expression === null) return [];
    try {
      const resolved = resolve(parseExpression(s.expression), s, index);
      return typeof resolved === 'string' ? [] : resolved.signals;
    } catch {
      return [];
    }
  };
  const visited = new Set<string>();
  const walk = (s: PlantSignal, path: string[]): string[] | null => {
    for (const input of inputsOf(s)) {
      if (input.id === start) return [...path, input.name];
      if (visited.has(input.id)) continue;
      visited.add(input.id);
      const found = walk(byId.get(input.id) ?? input, [...path, input.name]);
      if (found) return found;
    }
    return null;
  };
  return walk(byId.get(start)!, [byId.get(start)!.name]);
}
