// Opaque keyset cursors: base64url of [orderValue, id]. Keyset pagination on (orderKey, id) stays
// stable while rows are inserted: a page never repeats or skips a row that existed before it.
import { badInput } from './errors.ts';

export type CursorValue = string | number;
export interface Cursor {
  value: CursorValue;
  id: string;
}

export function encodeCursor(value: unknown, id: string): string {
  const plain = value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? value.toString() : value;
  return Buffer.from(JSON.stringify([plain, id])).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') && typeof parsed[1] === 'string') {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

export const invalidCursor = () => badInput('The cursor is not valid; pass the endCursor of a previous page unchanged.', { field: 'after' });
