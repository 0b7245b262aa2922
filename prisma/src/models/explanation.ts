// Explanations an operator can read: per feature, its value and reference in the signal's units and
// how much it moved the score. Predictions store the compact form `[featureIndex, value,
// contribution]` (they are a high-volume time series; names, units and references live once in the
// version's feature spec) and the API expands it; insights store the expanded form. A streaming
// detector's entries add what the sample was expected to be and which expectation it broke.
import { DERIVED_OPERATIONS, featureNames, featureParts, type FeatureSpec } from './feature-spec.ts';
import { EXPECTATIONS } from './streaming-spec.ts';

export interface ExplanationEntry {
  feature: string;
  signal: string;
  aggregate: string;
  value: number;
  reference: number;
  unit: string | null;
  /** Score minus the score with this feature at its reference value. */
  contribution: number;
}

export type CompactExplanation = (
  | [featureIndex: number, value: number, contribution: number]
  | [featureIndex: number, value: number, contribution: number, expected: number, expectation: number]
)[];

/** The entries of a stored, expanded explanation (insights) that have every field; others are left out. */
export function storedExplanation(stored: unknown): ExplanationEntry[] {
  if (!Array.isArray(stored)) return [];
  return stored
    .filter(
      (e): e is ExplanationEntry =>
        typeof e === 'object' &&
        e !== null &&
        ['feature', 'signal', 'aggregate'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string') &&
        ['value', 'reference', 'contribution'].every((k) => Number.isFinite((e as Record<string, unknown>)[k])) &&
        ((e as ExplanationEntry).unit === null || typeof (e as ExplanationEntry).unit === 'string' || (e as ExplanationEntry).unit === undefined),
    )
    .map((e) => ({ ...e, unit: e.unit ?? null }));
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The `top` features with the largest effect (either sign) of one row, largest first. */
export function topFeatures(contributions: ArrayLike<number>, offset: number, featureCount: number, top: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < featureCount; i += 1) {
    const size = Math.abs(contributions[offset + i]!);
    let at = order.length;
    while (at > 0 && Math.abs(contributions[offset + order[at - 1]!]!) < size) at -= 1;
    if (at < top) {
      order.splice(at, 0, i);
      if (order.length > top) order.pop();
    }
  }
  return order;
}

export function compactExplanation(
  indices: readonly number[],
  values: ArrayLike<number>,
  contributions: ArrayLike<number>,
  offset: number,
): CompactExplanation {
  return indices.map((i) => [i, round(values[i]!, 4), round(contributions[offset + i]!, 5)]);
}

export function expandExplanation(
  spec: Pick<FeatureSpec, 'signals' | 'aggregates' | 'derived' | 'reference'>,
  compact: CompactExplanation,
): ExplanationEntry[] {
  const names = featureNames(spec);
  return compact
    .filter(([i]) => i >= 0 && i < names.length)
    .map((entry) => {
      const [i, value, contribution] = entry;
      const parts = featureParts(spec, i);
      if (entry.length === 5) {
        const aggregate = EXPECTATIONS[entry[4]] ?? 'step';
        return { feature: `${parts.signal}.${aggregate}`, ...parts, aggregate, value, reference: round(entry[3], 4), contribution };
      }
      return { feature: names[i]!, ...parts, value, reference: round(spec.reference[i]!, 4), contribution };
    });
}

/** A one-line title naming the strongest feature. */
export function insightTitle(label: string, score: number, top: ExplanationEntry | undefined): string {
  if (!top) return `${label} ${score.toFixed(2)}`;
  const unit = top.unit ? ` ${top.unit}` : '';
  if ((EXPECTATIONS as readonly string[]).includes(top.aggregate)) {
    if (top.aggregate === 'stuck') return `${label} ${score.toFixed(2)}: ${top.signal} stuck at ${top.value}${unit}`;
    return `${label} ${score.toFixed(2)}: ${top.signal} ${top.value}${unit} where ${top.reference}${unit} was expected (${top.aggregate})`;
  }
  if (top.aggregate === 'category') return `${label} ${score.toFixed(2)}: ${top.value >= 0.5 ? '' : 'not '}${top.signal}`;
  const what = (DERIVED_OPERATIONS as readonly string[]).includes(top.aggregate) ? top.signal : `${top.signal} ${top.aggregate}`;
  return `${label} ${score.toFixed(2)}: ${what} ${top.value}${unit} (normal ${top.reference}${unit})`;
}
