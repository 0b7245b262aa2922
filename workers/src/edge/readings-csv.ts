// Readings as CSV for the edge command: a header `asset,signal,time,value` (time as ISO 8601 or
// epoch milliseconds), one reading per line, in any order. Rows that cannot be read are reported
// with their line number rather than skipped silently.
import type { AssetSeries } from '../ml/features.ts';
import { parseRfc3339 } from '@threadline/db/rfc3339';

export interface ParsedReadings {
  assets: Map<string, AssetSeries>;
  readings: number;
  problems: string[];
}

export function parseReadingsCsv(text: string): ParsedReadings {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const [a, s, t, v] = ['asset', 'signal', 'time', 'value'].map(column) as [number, number, number, number];
  if ([a, s, t, v].some((i) => i < 0)) return { assets: new Map(), readings: 0, problems: ['the header must name the columns asset, signal, time and value'] };
  const rows: { asset: string; signal: string; time: number; value: number }[] = [];
  const problems: string[] = [];
  lines.slice(1).forEach((line, index) => {
    if (!line.trim()) return;
    const cells = line.split(',');
    const rawTime = cells[t]?.trim() ?? '';
    const time = /^\d+$/.test(rawTime) ? Number(rawTime) : (parseRfc3339(rawTime)?.getTime() ?? Number.NaN);
    const value = Number(cells[v]);
    if (!cells[a]?.trim() || !cells[s]?.trim() || Number.isNaN(time) || cells[v]?.trim() === '' || !Number.isFinite(value)) {
      problems.push(`line ${index + 2}: needs an asset, a signal, a time (RFC 3339 with its offset, or epoch milliseconds) and a number`);
      return;
    }
    rows.push({ asset: cells[a]!.trim(), signal: cells[s]!.trim(), time, value });
  });
  rows.sort((x, y) => x.time - y.time);
  const assets = new Map<string, AssetSeries>();
  for (const row of rows) {
    const series = assets.get(row.asset) ?? new Map();
    assets.set(row.asset, series);
    const points = series.get(row.signal) ?? { t: [], v: [] };
    series.set(row.signal, points);
    points.t.push(row.time);
    points.v.push(row.value);
  }
  return { assets, readings: rows.length, problems };
}
