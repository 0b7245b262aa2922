// A batch of feature rows scored by a model, with what each score stores (the three strongest
// contributions, compact) and how an insight from it reads (the five strongest, expanded, and a
// title). The cloud's inference and the edge agent explain the same way.
import {
  compactExplanation,
  expandExplanation,
  insightTitle,
  topFeatures,
  type CompactExplanation,
  type ExplanationEntry,
} from '@threadline/db/models/explanation';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import type { FeatureRow } from './features.ts';
import { packRows, type OnnxRunner } from './onnx-runner.ts';

const LABEL_OF_TASK: Record<string, string> = {
  FAILURE_RISK: 'Failure risk',
  ANOMALY_DETECTION: 'Anomaly score',
  FORECAST: 'Forecast',
  DEFECT_CLASSIFICATION: 'Defect score',
};

export interface ExplainedScore {
  score: number;
  explanation: CompactExplanation;
  describe: () => { explanation: ExplanationEntry[]; title: string };
}

export async function explainedScores(runner: OnnxRunner, spec: FeatureSpec, task: string, rows: readonly FeatureRow[]): Promise<ExplainedScore[]> {
  if (rows.length === 0) return [];
  const f = spec.reference.length;
  const out = await runner.run(
    packRows(
      rows.map((row) => row.values),
      f,
    ),
    rows.length,
  );
  return rows.map((row, i) => {
    const top = topFeatures(out.contributions, i * f, f, 5);
    const score = out.scores[i]!;
    return {
      score,
      explanation: compactExplanation(top.slice(0, 3), row.values, out.contributions, i * f),
      describe: () => {
        const explanation = expandExplanation(spec, compactExplanation(top, row.values, out.contributions, i * f));
        return { explanation, title: insightTitle(LABEL_OF_TASK[task] ?? 'Score', score, explanation[0]) };
      },
    };
  });
}
