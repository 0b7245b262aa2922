// Times come in as RFC 3339 with an offset, or not at all.
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './rfc3339.ts';

describe('RFC 3339 timestamps', () => {
  it.each([
    ['2026-11-23T08:00:00Z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23t08:00:00z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T09:00:00.250+01:00', '2026-11-23T08:00:00.250Z'],
    ['2026-11-23T02:30:00-05:30', '2026-11-23T08:00:00.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseRfc3339(text)!.toISOString()).toBe(iso);
  });

  it.each([
    ['a day that does not exist', '2026-02-30T00:00:00Z'],
    ['29 February outside a leap year', '2026-02-29T00:00:00Z'],
    ['a bare number', '12'],
    ['free text', 'Nov 30 2026 4:00 PM'],
    ['a local time without its offset', '2026-11-30T16:00:00'],
    ['a date alone', '2026-11-30'],
    ['an hour past 23', '2026-11-30T24:00:00Z'],
    ['an offset past 23 hours', '2026-11-30T16:00:00+24:00'],
    ['a space for the T', '2026-11-30 16:00:00Z'],
  ])('refuses %s (%s)', (_what, text) => {
    expect(parseRfc3339(text)).toBeNull();
  });
});
