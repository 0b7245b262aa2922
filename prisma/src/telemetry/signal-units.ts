// Units of calculated signals as products of symbols with exponents ("kWh/part" is kWh¹·part⁻¹),
// so that an expression's unit follows from its inputs': sums need one unit, products and
// quotients combine them, and a number takes the unit of what it is added to.
import type { Expr } from './signal-expression.ts';

/** Symbol → exponent; empty for a dimensionless number. */
export type Unit = ReadonlyMap<string, number>;

export class UnitMismatch extends Error {}

const DIMENSIONLESS: Unit = new Map();

/** Parses "kWh", "mm/s", "m/s^2", "kW*h", "parts/min", "%"; null or "" is dimensionless. */
export function parseUnit(text: string | null | undefined): Unit {
  const unit = new Map<string, number>();
  if (!text?.trim()) return unit;
  text.split('/').forEach((part, index) => {
    for (const factor of part.split(/[*·]/)) {
      const trimmed = factor.trim();
      if (trimmed === '' || trimmed === '1') continue;
      const [, symbol, power] = /^(.+?)(?:\^(-?\d+))?$/.exec(trimmed)!;
      const exponent = Number(power ?? 1) * (index === 0 ? 1 : -1);
      unit.set(symbol!, (unit.get(symbol!) ?? 0) + exponent);
    }
  });
  for (const [symbol, exponent] of unit) if (exponent === 0) unit.delete(symbol);
  return unit;
}

/** The unit written back in one canonical form: numerator symbols, then "/" and the denominator's. */
export function formatUnit(unit: Unit): string {
  const part = (entries: [string, number][]) => entries.map(([s, e]) => (e === 1 ? s : `${s}^${e}`)).join('*');
  const sorted = [...unit].sort(([a], [b]) => a.localeCompare(b));
  const numerator = part(sorted.filter(([, e]) => e > 0));
  const denominator = part(sorted.filter(([, e]) => e < 0).map(([s, e]) => [s, -e]));
  if (!denominator) return numerator;
  return `${numerator || '1'}/${denominator}`;
}

export function sameUnit(a: Unit, b: Unit): boolean {
  return a.size === b.size && [...a].every(([symbol, exponent]) => b.get(symbol) === exponent);
}

const combine = (a: Unit, b: Unit, sign: 1 | -1): Unit => {
  const unit = new Map(a);
  for (const [symbol, exponent] of b) unit.set(symbol, (unit.get(symbol) ?? 0) + sign * exponent);
  for (const [symbol, exponent] of unit) if (exponent === 0) unit.delete(symbol);
  return unit;
};

const show = (unit: Unit) => (unit.size === 0 ? 'no unit' : formatUnit(unit));

/**
 * The unit of an expression given each referenced signal's unit, or a UnitMismatch naming the two
 * units that cannot be added or compared.
 */
export function unitOf(e: Expr, unitOfSignal: (scope: string, name: string) => Unit): Unit {
  // A bare number takes the other side's unit in sums and comparisons ("power + 0.5").
  const same = (units: { unit: Unit; literal: boolean }[], what: string): Unit => {
    const typed = units.filter((u) => !u.literal);
    const first = typed[0]?.unit ?? DIMENSIONLESS;
    for (const other of typed.slice(1)) {
      if (!sameUnit(first, other.unit)) throw new UnitMismatch(`${what} needs one unit, but has ${show(first)} and ${show(other.unit)}`);
    }
    return first;
  };
  const visit = (x: Expr): Unit => {
    switch (x.kind) {
      case 'number':
        return DIMENSIONLESS;
      case 'signal':
      case 'rolling':
        return unitOfSignal('self', x.name);
      case 'aggregate':
        return x.fn === 'count' ? DIMENSIONLESS : unitOfSignal(x.scope, x.name);
      case 'negate':
        return visit(x.operand);
      case 'binary':
        if (x.op === '*') return combine(visit(x.left), visit(x.right), 1);
        if (x.op === '/') return combine(visit(x.left), visit(x.right), -1);
        return same(
          [
            { unit: visit(x.left), literal: x.left.kind === 'number' },
            { unit: visit(x.right), literal: x.right.kind === 'number' },
          ],
          `'${x.op}'`,
        );
      case 'call':
        if (x.fn === 'abs') return visit(x.args[0]!);
        return same(
          x.args.map((arg) => ({ unit: visit(arg), literal: arg.kind === 'number' })),
          x.fn,
        );
    }
  };
  return visit(e);
}
