// Explanations an operator can read: per feature, its value and reference in the signal's units
// and how much it moved the score, largest effect first.
import { featureNames, featureParts, featureUnit, type FeatureSpec } from '@threadline/db/models/feature-spec';

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

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function explanationOf(spec: FeatureSpec, values: ArrayLike<number>, contributions: ArrayLike<number>, offset: number, top: number): ExplanationEntry[] {
  const names = featureNames(spec);
  const order = names.map((_, i) => i).sort((a, b) => Math.abs(contributions[offset + b]!) - Math.abs(contributions[offset + a]!));
  return order.slice(0, top).map((i) => {
    const { signal, aggregate } = featureParts(spec, i);
    return {
      feature: names[i]!, signal: signal.name, aggregate, value: round(values[i]!, 4), reference: round(spec.reference[i]!, 4),
      unit: featureUnit(spec, i), contribution: round(contributions[offset + i]!, 5),
    };
  });
}

/** A one-line title naming the strongest feature. */
export function insightTitle(label: string, score: number, top: ExplanationEntry | undefined): string {
  if (!top) return `${label} ${score.toFixed(2)}`;
  const unit = top.unit ? ` ${top.unit}` : '';
  return `${label} ${score.toFixed(2)}: ${top.signal} ${top.aggregate} ${top.value}${unit} (normal ${top.reference}${unit})`;
}
