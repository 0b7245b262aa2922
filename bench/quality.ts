// `npm run bench:quality` (issue 18): each model family trained by `npm run ml`'s own code on a
// generated failure table (workers/src/ml/failure-table.ts: 10,000 cycles, a few per cent failures,
// time-ordered split, 30 % held out), with its holdout AUC, F1 at its validation-chosen threshold,
// Brier score and training time, beside logistic regression in the same run.
import { failureTableCsv } from '../workers/src/ml/failure-table.ts';
import { readLabelledTable } from '../workers/src/ml/labelled-table.ts';
import { trainTable } from '../workers/src/ml/train-table.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const out = (line: string) => process.stdout.write(`${line}\n`);
const table = readLabelledTable(failureTableCsv(ROWS, 1), { label: 'failure', drop: ['cycle_id'], time: 'timestamp' });
const rate = table.labels.filter((l) => l === 1).length / table.labels.length;
out(
  `failure table: ${ROWS} cycles, ${(100 * rate).toFixed(1)} % failures, ${table.features.length} features; time-ordered, 30 % held out, 20 % of the rest for validation`,
);

const results: Record<string, { auc: number; f1: number; brier: number; ms: number }> = {};
for (const family of ['logistic', 'mlp', 'gbt', 'auto'] as const) {
  const { metrics } = await trainTable(table, { family, timed: true, seed: 7, name: `bench-${family}` });
  results[family] = { auc: Number(metrics.auc), f1: Number(metrics.f1), brier: Number(metrics.brier), ms: Number(metrics.trainingMs) };
  const base = results.logistic!;
  const r = results[family]!;
  out(
    `${`${family}${family === 'auto' ? ` (${String(metrics.family)})` : ''}`.padEnd(16)} AUC ${r.auc.toFixed(3)}   F1 ${r.f1.toFixed(3)}   Brier ${r.brier.toFixed(4)}   ${String(r.ms).padStart(6)} ms` +
      (family === 'logistic'
        ? '   (baseline)'
        : `   AUC ${r.auc - base.auc >= 0 ? '+' : ''}${(r.auc - base.auc).toFixed(3)}, F1 ${(r.f1 / base.f1).toFixed(2)} × baseline`),
  );
}
