// `npm run bench:quality` (issues 18 and 19): each model family trained by `npm run ml`'s own code on a
// generated failure table (workers/src/ml/failure-table.ts: 10,000 cycles, a few per cent failures,
// time-ordered split, 30 % held out), with its holdout AUC, average precision, F1 at its
// validation-chosen threshold, Brier score and training time (derived-feature search included),
// beside logistic regression in the same run; and boosted trees without the derived features, and
// on a seeded (untimed) split of the same table, where they are cross-fitted.
import { failureTableCsv } from '../workers/src/ml/failure-table.ts';
import { readLabelledTable } from '@threadline/db/models/labelled-table';
import { trainTable } from '../workers/src/ml/train-table.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const out = (line: string) => process.stdout.write(`${line}\n`);
const table = readLabelledTable(failureTableCsv(ROWS, 1), { label: 'failure', drop: ['cycle_id'], time: 'timestamp' });
const rate = table.labels.filter((l) => l === 1).length / table.labels.length;
out(
  `failure table: ${ROWS} cycles, ${(100 * rate).toFixed(1)} % failures, ${table.features.length} features; time-ordered, 30 % held out, 20 % of the rest for validation`,
);

const runs = [
  { label: 'logistic', family: 'logistic' },
  { label: 'mlp', family: 'mlp' },
  { label: 'gbt', family: 'gbt' },
  { label: 'gbt, no derived', family: 'gbt', derive: false },
  { label: 'gbt, seeded split', family: 'gbt', untimed: true },
  { label: 'auto', family: 'auto' },
] as const;
const untimedTable = readLabelledTable(failureTableCsv(ROWS, 1), { label: 'failure', drop: ['cycle_id', 'timestamp'] });
let base: { auc: number; f1: number } | null = null;
for (const run of runs) {
  const untimed = 'untimed' in run;
  const { metrics } = await trainTable(untimed ? untimedTable : table, {
    family: run.family,
    timed: !untimed,
    seed: 7,
    name: `bench-${run.family}`,
    derive: !('derive' in run),
  });
  const r = {
    auc: Number(metrics.auc),
    ap: Number(metrics.averagePrecision),
    f1: Number(metrics.f1),
    brier: Number(metrics.brier),
    ms: Number(metrics.trainingMs),
  };
  base ??= r;
  const label = run.family === 'auto' ? `auto (${String(metrics.chosen)})` : run.label;
  out(
    `${label.padEnd(20)} AUC ${r.auc.toFixed(3)}   AP ${r.ap.toFixed(3)}   F1 ${r.f1.toFixed(3)}   Brier ${r.brier.toFixed(4)}   ${String(r.ms).padStart(6)} ms` +
      (run.label === 'logistic'
        ? '   (baseline)'
        : `   AUC ${r.auc - base.auc >= 0 ? '+' : ''}${(r.auc - base.auc).toFixed(3)}, F1 ${(r.f1 / base.f1).toFixed(2)} × baseline`),
  );
  if (run.label === 'gbt') out(`${''.padEnd(20)} derived features kept: ${(metrics.derived as string[]).join(', ') || 'none'}`);
}
await import('./federated-quality.ts');
await import('./anomaly-quality.ts');
