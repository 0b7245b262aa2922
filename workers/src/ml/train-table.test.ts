// Training from a labelled table and the `npm run ml` command: a bad table is refused naming each
// row and column; categories are one-hot encoded and an unseen one still scores; training is
// deterministic for a seed and its ONNX equals TypeScript; `score` gives the version's scores and
// flags row by row and refuses a tampered model; the command runs from where npm was called.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { failureTableCsv } from './failure-table.ts';
import { encodeRecord, readLabelledTable, type TableRefused } from '@threadline/db/models/labelled-table';
import { score } from './model-families.ts';
import { scoreTable, writeTableModel } from './table-model-files.ts';
import { trainTable } from './train-table.ts';
import { resolveDerived, withDerived } from '@threadline/db/models/derived-features';

const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const csv = failureTableCsv(3_000, 11);
const options = { label: 'failure', drop: ['cycle_id'], time: 'timestamp' };

describe('a labelled table', () => {
  it('is refused with every bad cell named by line and column', () => {
    const bad = ['id,speed,grade,failure', '1,1500,A,0', '2,fast,B,1', '3,,A,0', '4,1400,C,maybe'].join('\n');
    let refused: TableRefused | null = null;
    try {
      readLabelledTable(bad.replace('2,fast', '2,1600'), { label: 'failure', drop: ['id'] });
    } catch (error) {
      refused = error as TableRefused;
    }
    expect(refused?.problems).toEqual([
      { line: 5, column: 'failure', message: 'the label must be 0, 1, true or false, not "maybe"' },
      { line: 4, column: 'speed', message: 'is empty in a numeric column' },
    ]);
    expect(() => readLabelledTable(bad, { label: 'broken' })).toThrow(/column broken: is not in the header/);
    expect(() => readLabelledTable('a,b\n1,2,3\n', { label: 'b' })).toThrow(/line 2, column -: has 3 cells, the header 2/);
  });

  it('one-hot encodes categories, and a category never seen sets no bit but still scores', async () => {
    const table = readLabelledTable(csv, options);
    expect(table.features.filter((f) => f.startsWith('grade='))).toEqual(['grade=A', 'grade=B', 'grade=C']);
    const trained = await trainTable(table, { family: 'gbt', timed: true, seed: 7, name: 'grades' });
    const record = new Map([...table.encoding.numeric.map((n): [string, string] => [n, '10']), ['grade', 'Z-unseen']]);
    const encoded = encodeRecord(trained.encoding, record);
    const grades = table.features.indexOf('grade=A');
    expect([...encoded.slice(grades, grades + 3)]).toEqual([0, 0, 0]);
    expect(Number.isFinite(score(trained.model, encoded))).toBe(true);
  });

  it('trains the same model for the same seed, and scores through the signed ONNX exactly as TypeScript does', async () => {
    const table = readLabelledTable(csv, options);
    const [a, b] = [
      await trainTable(table, { family: 'auto', timed: true, seed: 3, name: 'm' }),
      await trainTable(table, { family: 'auto', timed: true, seed: 3, name: 'm' }),
    ];
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    // The search over families, shapes and seeds is scored on validation, and the derived features it kept go with the model.
    expect(Object.keys(a.metrics.validationAveragePrecision as object)).toEqual([
      'logistic',
      'mlp seed 3',
      'mlp seed 4',
      'mlp seed 5',
      'gbt depth 3',
      'gbt depth 4',
      'gbt depth 6',
    ]);
    expect(a.features.slice(table.features.length)).toEqual(a.metrics.derived);
    expect(a.metrics.derived).toContain('spindle_rpm*load_nm');
    // Calibrated on validation, scores stay sharp: well below the Brier score of always answering the failure rate.
    const rate = table.labels.filter((l) => l === 1).length / table.labels.length;
    expect(Number(a.metrics.brier)).toBeLessThan(0.65 * rate * (1 - rate));
    const dir = mkdtempSync(join(tmpdir(), 'tl-ml-'));
    writeTableModel(dir, 'm', a, options, key);
    const scored = (await scoreTable(dir, csv, trustedKeySet(key, undefined))).trim().split('\n');
    expect(scored[0]).toBe('score,flag');
    expect(scored).toHaveLength(table.rows.length + 1);
    scored.slice(1, 200).forEach((line, i) => {
      const [value, flag] = line.split(',').map(Number) as [number, number];
      const expected = score(a.model, Float64Array.from(withDerived(table.rows[i]!, resolveDerived(table.features, a.encoding.derived!)), Math.fround));
      expect(Math.abs(value - expected)).toBeLessThan(1e-5);
      expect(flag).toBe(value >= a.threshold ? 1 : 0);
    });
    const onnx = readFileSync(join(dir, 'model.onnx'));
    onnx[onnx.length - 1] = onnx[onnx.length - 1]! ^ 1;
    writeFileSync(join(dir, 'model.onnx'), onnx);
    await expect(scoreTable(dir, csv, trustedKeySet(key, undefined))).rejects.toThrow(/is refused: ONNX bytes hash to/);
  });

  it('cross-fits chosen trees on a table without time: one ensemble of the fold models, equal to its ONNX, on every row but the holdout', async () => {
    const untimed = readLabelledTable(csv, { label: 'failure', drop: ['cycle_id', 'timestamp'] });
    const trained = await trainTable(untimed, { family: 'gbt', timed: false, seed: 5, name: 'folds' });
    expect(trained.metrics.chosen).toMatch(/^gbt depth \d, cross-fitted over 5 folds$/);
    // Its threshold was set on every row but the holdout (out-of-fold scores), not a fifth of them.
    expect((trained.metrics.validation as { windows: number }).windows).toBe(Number(trained.metrics.trainRows) + Number(trained.metrics.validationRows));
    expect(Number(trained.metrics.onnxMaxDeviation)).toBeLessThan(1e-5);
    expect(Number(trained.metrics.auc)).toBeGreaterThan(0.85);
  });

  it('runs as `npm run ml` from the folder npm was called in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-ml-cli-'));
    writeFileSync(join(dir, 'cycles.csv'), failureTableCsv(1_500, 5));
    const run = (args: string[]) =>
      // As `npm run ml` runs it: in the workers folder, with INIT_CWD where npm was called.
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/scripts/ml.ts', ...args], {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, INIT_CWD: dir, THREADLINE_KEY_DIR: join(dir, 'keys') },
      });
    const trained = await run([
      'train',
      'cycles.csv',
      '--label',
      'failure',
      '--drop',
      'cycle_id',
      '--time',
      'timestamp',
      '--family',
      'logistic',
      '--out',
      'model',
    ]);
    expect(JSON.parse(trained.stdout)).toMatchObject({ family: 'LOGISTIC', auc: expect.any(Number) });
    await run(['score', 'model', 'cycles.csv', '--out', 'scores.csv']);
    expect(readFileSync(join(dir, 'scores.csv'), 'utf8').split('\n')[0]).toBe('score,flag');
    await expect(run(['train', 'cycles.csv', '--label', 'nope', '--out', 'x'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/column nope: is not in the header/),
    });
  }, 120_000);
});
