// Part of `npm run bench:quality` (issue 19): the streaming detector on the generated anomaly corpus
// (workers/src/ml/anomaly-corpus.ts), scored by event windows (workers/src/ml/event-window-score.ts)
// under three profiles, beside a windowed Gaussian and the null detector in the same run: each at
// its best single threshold over the corpus and the streaming detector also at its default 0.5;
// then `npm run ml -- detect`'s speed (CSV in, CSV out) beside the goal and a plain CSV copy.
import { anomalyCorpus, type CorpusSeries } from '../workers/src/ml/anomaly-corpus.ts';
import { bestThreshold, corpusScore, PROFILES } from '../workers/src/ml/event-window-score.ts';
import { detectSeries } from '../workers/src/ml/streaming-detector.ts';
import { detectCsv } from '../workers/src/ml/detect-csv.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** The windowed Gaussian: each sample's two-sided tail against the mean and deviation of the previous `window` samples. */
function windowedGaussian(v: ArrayLike<number>, window = 2000): Float64Array {
  const scores = new Float64Array(v.length);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < v.length; i += 1) {
    const n = Math.min(i, window);
    if (n >= 10) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(squares / n - mean * mean, 0)) || 1e-9;
      scores[i] = erf(Math.abs(v[i]! - mean) / sd / Math.SQRT2);
    }
    sum += v[i]!;
    squares += v[i]! ** 2;
    if (i >= window) {
      sum -= v[i - window]!;
      squares -= v[i - window]! ** 2;
    }
  }
  return scores;
}

/** Abramowitz–Stegun 7.1.26. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  return 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
}

/** A threshold as read: near 1, as 1 − 10^−k. */
const thresholdText = (threshold: number) =>
  threshold === Infinity ? '—' : threshold > 0.999 && threshold < 1 ? `1 − ${(1 - threshold).toExponential(1)}` : threshold.toFixed(4);

const corpus = anomalyCorpus(Number(process.env.BENCH_SEED ?? 1));
const rows = corpus.reduce((n, s) => n + s.v.length, 0);
const windows = corpus.reduce((n, s) => n + s.onsets.length, 0);
out(`anomaly corpus: ${corpus.length} series, ${rows} samples, ${windows} labelled anomalies (cadences 5 s to 1 h)`);

const scored = (detect: (s: CorpusSeries) => ArrayLike<number>) => corpus.map((s) => ({ series: { rows: s.v.length, onsets: s.onsets }, scores: detect(s) }));
const detectors = [
  { label: 'null detector', scores: scored((s) => new Float64Array(s.v.length)) },
  { label: 'windowed Gaussian', scores: scored((s) => windowedGaussian(s.v)) },
  { label: 'streaming detector', scores: scored((s) => detectSeries(s.t, s.v)) },
];
for (const profile of PROFILES) {
  out(`\nprofile ${profile.name} (a false alarm costs ${profile.falsePositive}, a miss ${profile.falseNegative}):`);
  const baseline = bestThreshold(detectors[1]!.scores, profile);
  for (const { label, scores } of detectors) {
    const best = bestThreshold(scores, profile);
    const ratio =
      label === 'windowed Gaussian' ? '(baseline)' : `${(best.score - baseline.score >= 0 ? '+' : '') + (best.score - baseline.score).toFixed(1)} vs baseline`;
    out(
      `  ${label.padEnd(20)} ${best.score.toFixed(1).padStart(6)}  at threshold ${thresholdText(best.threshold)}  ` +
        `detected ${best.detected}, missed ${best.missed}, false alarms ${best.falseAlarms}  ${ratio}`,
    );
  }
  const fixed = corpusScore(detectors[2]!.scores, 0.5, profile);
  out(
    `  ${'streaming @ 0.5'.padEnd(20)} ${fixed.score.toFixed(1).padStart(6)}  detected ${fixed.detected}, missed ${fixed.missed}, false alarms ${fixed.falseAlarms}`,
  );
}

if (process.env.BENCH_DETAIL) {
  for (const [i, s] of corpus.entries()) {
    const scores = Array.from(detectors[2]!.scores[i]!.scores);
    const top = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, 4);
    out(`${s.name.padEnd(22)} onsets ${s.onsets.join(',').padEnd(12)} top ${top.map((r) => `${r}:${scores[r]!.toFixed(3)}`).join(' ')}`);
  }
}

const csv = `timestamp,value\n${corpus.flatMap((s) => s.t.map((t, i) => `${new Date(t).toISOString()},${s.v[i]}`)).join('\n')}\n`;
const timed = (work: () => void) => {
  const started = performance.now();
  for (let round = 0; round < 3; round += 1) work();
  return (3 * rows) / ((performance.now() - started) / 1000);
};
const detectSpeed = timed(() => detectCsv(csv));
// The same CSV read and written without detection: what the command costs beyond parsing.
const copySpeed = timed(() =>
  csv
    .split('\n')
    .map((line) => `${line},0`)
    .join('\n'),
);
out(
  `\nnpm run ml -- detect: ${Math.round(detectSpeed)} rows/s on one core, CSV parsed and written (goal 50000: ${(detectSpeed / 50_000).toFixed(2)} × goal); ` +
    `the CSV only read and written: ${Math.round(copySpeed)} rows/s (${(detectSpeed / copySpeed).toFixed(2)} × that)`,
);
