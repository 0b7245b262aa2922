import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectCsv, parseSeriesTime } from './detect-csv.ts';
import { detectSeries } from './streaming-detector.ts';

const rowsOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    time: `2026-01-05 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
    value: 10 + Math.sin(i / 7) + (i === 900 ? 6 : 0),
  }));

describe('npm run ml -- detect', () => {
  it('reads ISO times with or without an offset and epoch milliseconds', () => {
    expect(parseSeriesTime('2026-01-05 08:00:00')).toBe(Date.UTC(2026, 0, 5, 8));
    expect(parseSeriesTime('2026-01-05T09:00:00+01:00')).toBe(Date.UTC(2026, 0, 5, 8));
    expect(parseSeriesTime('1767600000000')).toBe(1_767_600_000_000);
    expect(parseSeriesTime('yesterday')).toBeNull();
  });

  it('writes one scored row per input row in order, keeping unreadable rows in place with an empty score', () => {
    const rows = rowsOf(1000);
    const text = ['timestamp,value', ...rows.map((r) => `${r.time},${r.value}`)];
    text.splice(11, 0, '2026-01-05 00:10:30,n/a');
    const { csv, problems } = detectCsv(`${text.join('\n')}\n`);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(1002);
    expect(lines[11]).toBe('2026-01-05 00:10:30,n/a,');
    expect(problems).toEqual(['line 12: needs a timestamp (ISO 8601, or epoch milliseconds) and a number']);
    // The scores are the library's on the readable rows.
    const library = detectSeries(
      rows.map((r) => parseSeriesTime(r.time)!),
      rows.map((r) => r.value),
    );
    const scores = lines
      .slice(1)
      .filter((l) => !l.endsWith(','))
      .map((l) => Number(l.split(',')[2]));
    scores.forEach((s, i) => expect(s).toBeCloseTo(library[i]!, 6));
    expect(scores[900]).toBeGreaterThan(0.5);
    expect(detectCsv('time,reading\n1,2\n').problems).toEqual(['the header must name the columns timestamp and value']);
  });

  it('runs from the command line on a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-detect-'));
    writeFileSync(join(dir, 'series.csv'), ['timestamp,value', ...rowsOf(600).map((r) => `${r.time},${r.value}`)].join('\n'));
    const run = spawnSync(
      fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url)),
      [fileURLToPath(new URL('../scripts/ml.ts', import.meta.url)), 'detect', join(dir, 'series.csv'), '--out', join(dir, 'scores.csv')],
      { encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } },
    );
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'scores.csv'), 'utf8').trim().split('\n')).toHaveLength(601);
  });
});
