// A labelled table as plants export it from their historian and CMMS: a header row, one row per
// machine cycle or window, numeric readings, text attributes (product grade, asset variant) and a
// 0/1 or true/false label. Columns are typed from their cells: a column whose every filled cell is
// a number is numeric, any other is categorical. Categorical columns are one-hot encoded over the
// categories seen in training; a category not seen then sets none of its bits, so it still scores.
// Everything wrong with a table is reported by row and column, and nothing is trained from it.
import { csvRecords } from '../csv.ts';
import { Refusal } from '../refusal.ts';
import { resolveDerived, withDerived } from './derived-features.ts';
import { derivedName, type DerivedFeature } from './feature-spec.ts';

export interface TableProblem {
  /** 1-based line in the file (the header is line 1); 0 for the header itself. */
  line: number;
  column: string;
  message: string;
}

/** A table that cannot be used; as a refusal of the `csv` input, with every problem by line and column. */
export class TableRefused extends Refusal {
  constructor(readonly problems: TableProblem[]) {
    super(
      `the table cannot be used: ${problems
        .slice(0, 10)
        .map((p) => (p.line > 0 ? `line ${p.line}, column ${p.column}: ${p.message}` : `column ${p.column}: ${p.message}`))
        .join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`,
      'csv',
    );
    this.name = 'TableRefused';
  }
}

export interface TableEncoding {
  numeric: string[];
  categorical: { name: string; categories: string[] }[];
  /** Features derived from two numeric columns (derived-search.ts), after the others. */
  derived?: DerivedFeature[];
}

export interface TableOptions {
  label: string;
  drop?: string[];
  /** A time column: rows are ordered by it, and it is not a feature. */
  time?: string;
}

export interface LabelledTable {
  /** The columns in the file's order. */
  header: string[];
  encoding: TableEncoding;
  features: string[];
  rows: Float64Array[];
  labels: number[];
  /** Each row's time (epoch ms) when a time column was named, else its position. */
  order: number[];
}

/** A label cell (lower-cased) as 0 or 1. */
export const LABELS: Record<string, number> = { '0': 0, '1': 1, false: 0, true: 1 };
const isNumber = (cell: string) => cell.trim() !== '' && Number.isFinite(Number(cell));

const columnFeatures = (encoding: TableEncoding) => [...encoding.numeric, ...encoding.categorical.flatMap((c) => c.categories.map((k) => `${c.name}=${k}`))];

/** The names of the features a table's encoding gives, in order: numeric columns, one per category, then the derived features. */
export function featureNamesOf(encoding: TableEncoding): string[] {
  return [...columnFeatures(encoding), ...(encoding.derived ?? []).map(derivedName)];
}

/** One record (column name → cell) as feature values; an unseen category sets no bit. */
export function encodeRecord(encoding: TableEncoding, record: ReadonlyMap<string, string>): Float64Array {
  const names = columnFeatures(encoding);
  const values = new Float64Array(names.length);
  encoding.numeric.forEach((name, i) => (values[i] = Number(record.get(name))));
  let offset = encoding.numeric.length;
  for (const { name, categories } of encoding.categorical) {
    const at = categories.indexOf((record.get(name) ?? '').trim());
    if (at >= 0) values[offset + at] = 1;
    offset += categories.length;
  }
  return withDerived(values, resolveDerived(names, encoding.derived ?? []));
}

/** Records of a CSV text, with its header; problems with the header are thrown. */
export function recordsOf(text: string): { header: string[]; records: Map<string, string>[] } {
  const [header, ...body] = csvRecords(text).filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  if (!header || body.length === 0) throw new TableRefused([{ line: 0, column: '-', message: 'the table needs a header row and at least one row' }]);
  const names = header.map((h) => h.trim());
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new TableRefused([{ line: 0, column: duplicate, message: 'the header names this column twice' }]);
  const problems: TableProblem[] = [];
  const records = body.map((cells, r) => {
    if (cells.length !== names.length) problems.push({ line: r + 2, column: '-', message: `has ${cells.length} cells, the header ${names.length}` });
    return new Map(names.map((n, i) => [n, (cells[i] ?? '').trim()]));
  });
  if (problems.length > 0) throw new TableRefused(problems);
  return { header: names, records };
}

/** Reads a labelled table for training; throws TableRefused listing every problem. */
export function readLabelledTable(text: string, options: TableOptions): LabelledTable {
  const { header, records } = recordsOf(text);
  const problems: TableProblem[] = [];
  for (const name of [options.label, ...(options.drop ?? []), ...(options.time ? [options.time] : [])]) {
    if (!header.includes(name)) problems.push({ line: 0, column: name, message: 'is not in the header' });
  }
  if (problems.length > 0) throw new TableRefused(problems);
  const left = new Set([options.label, ...(options.drop ?? []), ...(options.time ? [options.time] : [])]);
  const featureColumns = header.filter((h) => !left.has(h));
  if (featureColumns.length === 0) problems.push({ line: 0, column: '-', message: 'no column is left to learn from' });
  const numeric = featureColumns.filter((c) => records.every((r) => r.get(c) === '' || isNumber(r.get(c)!)) && records.some((r) => isNumber(r.get(c)!)));
  const labels = records.map((r, i) => {
    const label = LABELS[r.get(options.label)!.toLowerCase()];
    if (label === undefined)
      problems.push({ line: i + 2, column: options.label, message: `the label must be 0, 1, true or false, not "${r.get(options.label)}"` });
    return label ?? 0;
  });
  records.forEach((r, i) =>
    numeric.forEach((c) => {
      if (r.get(c) === '') problems.push({ line: i + 2, column: c, message: 'is empty in a numeric column' });
    }),
  );
  const order = records.map((r, i) => {
    if (!options.time) return i;
    const raw = r.get(options.time)!;
    const time = isNumber(raw) ? Number(raw) : Date.parse(raw);
    if (!Number.isFinite(time)) problems.push({ line: i + 2, column: options.time, message: `"${raw}" is not a time` });
    return time;
  });
  if (labels.every((l) => l === labels[0])) problems.push({ line: 0, column: options.label, message: 'needs both failures (1) and normal rows (0)' });
  if (problems.length > 0) throw new TableRefused(problems);
  const encoding: TableEncoding = {
    numeric,
    categorical: featureColumns
      .filter((c) => !numeric.includes(c))
      .map((name) => ({ name, categories: [...new Set(records.map((r) => r.get(name)!))].sort() })),
  };
  return { header, encoding, features: featureNamesOf(encoding), rows: records.map((r) => encodeRecord(encoding, r)), labels, order };
}

/**
 * The records of a table to score with a version's encoding: every numeric column it takes present
 * and a number in every row, and with `label`, that column present and 0/1 in every row; refuses
 * with each problem by line and column.
 */
export function recordsToScore(text: string, encoding: TableEncoding, label?: string): Map<string, string>[] {
  const { header, records } = recordsOf(text);
  const required = label ? [label, ...encoding.numeric] : encoding.numeric;
  const problems: TableProblem[] = required.filter((c) => !header.includes(c)).map((column) => ({ line: 0, column, message: 'is not in the header' }));
  if (problems.length > 0) throw new TableRefused(problems);
  records.forEach((r, i) => {
    if (label && LABELS[r.get(label)!.toLowerCase()] === undefined)
      problems.push({ line: i + 2, column: label, message: `the label must be 0, 1, true or false, not "${r.get(label)}"` });
    for (const column of encoding.numeric) {
      const cell = r.get(column)!;
      if (cell === '' || !Number.isFinite(Number(cell))) problems.push({ line: i + 2, column, message: `"${cell}" is not a number` });
    }
  });
  if (problems.length > 0) throw new TableRefused(problems);
  return records;
}
