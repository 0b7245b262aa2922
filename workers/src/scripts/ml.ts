// `npm run ml -- train|score|detect`: a data scientist's command, deterministic for a seed. `train`
// fits (or with --family auto, chooses on validation among) logistic regression, an MLP and
// gradient-boosted trees on a labelled table, and writes the signed ONNX, model.json and
// metrics.json; `score` writes `score,flag` for every row with the same graph the workers and the
// edge run; `detect` runs a series through the streaming anomaly detector the workers run.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_KEY_DIR, signingKeyFromPem, signingKeyPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { readLabelledTable, TableRefused } from '@threadline/db/models/labelled-table';
import { detectCsv } from '../ml/detect-csv.ts';
import { scoreTable, writeTableModel } from '../ml/table-model-files.ts';
import { trainTable, type TableFamily } from '../ml/train-table.ts';
import type { ThresholdRule } from '../ml/decision-threshold.ts';

const USAGE = `usage:
  npm run ml -- train <table.csv> --label <column> [--drop <col,...>] [--time <column>] [--family auto|gbt|mlp|logistic] [--seed <n>]
                  [--cost-miss <n> --cost-false-alarm <n> | --min-precision <0-1>] [--no-derived] --out <dir>
  npm run ml -- score <dir> <table.csv> [--out <scores.csv>]
  npm run ml -- detect <series.csv> [--out <scores.csv>]
The table has a header row; numeric columns are features, text columns categorical (one-hot; a
category not seen in training sets no bit); the label is 0/1 or true/false. Pairwise derived
features (products, ratios, differences, sums of numeric columns) are searched on the validation
rows and kept where they improve it, unless --no-derived. The model is signed
with MODEL_SIGNING_KEY (or the development key in THREADLINE_KEY_DIR) and verified before scoring.
detect reads a header timestamp,value (ISO times, any cadence; without an offset the series' own
clock) and writes timestamp,value,anomaly_score for every row in order, the score in [0, 1) (0.5
at a tail probability of 1e-3 against the series' own recent history); no settings per file.`;

function fail(message: string): never {
  process.stderr.write(`ml: ${message}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    label: { type: 'string' },
    drop: { type: 'string' },
    time: { type: 'string' },
    family: { type: 'string', default: 'auto' },
    seed: { type: 'string', default: '7' },
    'cost-miss': { type: 'string' },
    'cost-false-alarm': { type: 'string' },
    'min-precision': { type: 'string' },
    'no-derived': { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help || positionals.length === 0) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}
/** The threshold rule from --cost-miss and --cost-false-alarm, or --min-precision; best F1 without either. */
function ruleOf(): ThresholdRule {
  const number = (flag: string, raw: string | undefined) => {
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) fail(`--${flag} must be a number of 0 or more`);
    return value;
  };
  if (values['cost-miss'] !== undefined || values['cost-false-alarm'] !== undefined) {
    return { kind: 'COST', missedFailure: number('cost-miss', values['cost-miss']), falseAlarm: number('cost-false-alarm', values['cost-false-alarm']) };
  }
  if (values['min-precision'] !== undefined) return { kind: 'MIN_PRECISION', precision: number('min-precision', values['min-precision']) };
  return { kind: 'BEST_F1' };
}

/** Paths as the user typed them, from where they ran npm (npm runs the workspace's script in its own folder). */
const at = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
const signingKey = () => signingKeyFromPem(signingKeyPem(process.env.MODEL_SIGNING_KEY, process.env.THREADLINE_KEY_DIR ?? DEFAULT_KEY_DIR, 'model'));
const [command, first, second] = positionals;
try {
  if (command === 'train' && first && values.label && values.out) {
    const family = values.family as TableFamily;
    if (!['auto', 'gbt', 'mlp', 'logistic'].includes(family)) fail(`--family must be auto, gbt, mlp or logistic, not ${family}`);
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) fail('--seed must be an integer');
    const options = {
      label: values.label,
      drop: values.drop ? values.drop.split(',').map((c) => c.trim()) : [],
      ...(values.time ? { time: values.time } : {}),
    };
    const table = readLabelledTable(readFileSync(at(first), 'utf8'), options);
    const name = basename(at(values.out));
    const rule = ruleOf();
    const ruleSource = rule.kind === 'BEST_F1' ? 'default' : 'command line';
    const trained = await trainTable(table, { family, timed: Boolean(values.time), seed, name, rule, ruleSource, derive: !values['no-derived'] });
    writeTableModel(at(values.out), name, trained, options, signingKey());
    process.stdout.write(`${JSON.stringify(trained.metrics)}\n`);
  } else if (command === 'score' && first && second) {
    const key = signingKey();
    const csv = await scoreTable(at(first), readFileSync(at(second), 'utf8'), trustedKeySet(key, process.env.MODEL_TRUSTED_KEYS));
    if (values.out) writeFileSync(at(values.out), csv);
    else process.stdout.write(csv);
  } else if (command === 'detect' && first) {
    const detected = detectCsv(readFileSync(at(first), 'utf8'));
    for (const problem of detected.problems.slice(0, 20)) process.stderr.write(`ml: ${first} ${problem}\n`);
    if (detected.problems.length > 20) process.stderr.write(`ml: … and ${detected.problems.length - 20} more\n`);
    if (!detected.csv) fail(detected.problems[0]!);
    if (values.out) writeFileSync(at(values.out), detected.csv);
    else process.stdout.write(detected.csv);
  } else fail(USAGE);
} catch (error) {
  fail(error instanceof TableRefused || error instanceof Error ? error.message : String(error));
}
