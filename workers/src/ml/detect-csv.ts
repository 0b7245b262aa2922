// `npm run ml -- detect`: a series as CSV (header `timestamp,value`, ISO times at any cadence) through
// the streaming detector, out as `timestamp,value,anomaly_score`, one row per input row in order.
// A time without an offset (`2026-01-05 08:00:00`) is the series' own clock, read as UTC; epoch
// milliseconds work too. A row that cannot be read keeps its place with an empty score and is
// reported by line; a time earlier than the one before is scored at that one (the detector is
// causal and learns in time order).
import { parseRfc3339 } from '@threadline/db/rfc3339';
import { SignalDetector } from './streaming-detector.ts';

const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;

export function parseSeriesTime(raw: string): number | null {
  const text = raw.trim().replace(/^"|"$/g, '');
  if (/^\d{10,16}$/.test(text)) return Number(text);
  const time = parseRfc3339(ZONELESS.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  return time ? time.getTime() : null;
}

export interface DetectedCsv {
  csv: string;
  rows: number;
  problems: string[];
}

export function detectCsv(text: string): DetectedCsv {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const [ti, vi] = [header.indexOf('timestamp'), header.indexOf('value')];
  if (ti < 0 || vi < 0) return { csv: '', rows: 0, problems: ['the header must name the columns timestamp and value'] };
  const detector = new SignalDetector();
  const out = ['timestamp,value,anomaly_score'];
  const problems: string[] = [];
  let last = -Infinity;
  for (let i = 1; i < lines.length; i += 1) {
    const cells = lines[i]!.split(',');
    const [rawTime, rawValue] = [cells[ti] ?? '', cells[vi] ?? ''];
    const time = parseSeriesTime(rawTime);
    const value = Number(rawValue);
    if (time === null || rawValue.trim() === '' || !Number.isFinite(value)) {
      problems.push(`line ${i + 1}: needs a timestamp (ISO 8601, or epoch milliseconds) and a number`);
      out.push(`${rawTime},${rawValue},`);
      continue;
    }
    if (time < last) problems.push(`line ${i + 1}: earlier than the line before; scored at that time`);
    last = Math.max(last, time);
    out.push(`${rawTime},${rawValue},${detector.update(last, value).score.toFixed(6)}`);
  }
  return { csv: `${out.join('\n')}\n`, rows: lines.length - 1, problems };
}
