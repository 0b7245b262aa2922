// Derived features' values (feature-spec.ts declares them): a product, ratio (0 where the
// denominator is 0), difference or sum of two features, appended after them. The one computation
// behind workers/src/ml/features.ts (telemetry windows) and labelled-table.ts (tables).
import type { DerivedFeature, DerivedOperation } from './feature-spec.ts';

/** A derived feature with the positions of the two features it combines. */
export interface ResolvedDerived {
  op: DerivedOperation;
  left: number;
  right: number;
}

/** Derived features over the features named `names`; throws on a name that is not among them. */
export function resolveDerived(names: readonly string[], derived: readonly DerivedFeature[]): ResolvedDerived[] {
  return derived.map(({ op, left, right }) => {
    const [l, r] = [left, right].map((n) => names.indexOf(n));
    if (l! < 0 || r! < 0) throw new Error(`a derived feature names ${l! < 0 ? left : right}, which is not a feature`);
    return { op, left: l!, right: r! };
  });
}

export function derivedValue(op: DerivedOperation, a: number, b: number): number {
  switch (op) {
    case 'product':
      return a * b;
    case 'ratio':
      return b === 0 ? 0 : a / b;
    case 'difference':
      return a - b;
    case 'sum':
      return a + b;
  }
}

/** Writes the derived features' values into `values` from position `at` on. */
export function fillDerived(values: Float64Array, at: number, derived: readonly ResolvedDerived[]): void {
  derived.forEach((d, k) => (values[at + k] = derivedValue(d.op, values[d.left]!, values[d.right]!)));
}

/** A row with its derived features appended. */
export function withDerived(row: Float64Array, derived: readonly ResolvedDerived[]): Float64Array {
  if (derived.length === 0) return row;
  const values = new Float64Array(row.length + derived.length);
  values.set(row);
  fillDerived(values, row.length, derived);
  return values;
}
