// Plant-local days on worked examples, across both daylight-saving changes in Berlin.
import { describe, expect, it } from 'vitest';
import { localDate, localDayStart } from './plant-days.ts';

describe('plant-local days', () => {
  it('starts a Berlin day at 23:00 UTC in winter and 22:00 UTC in summer', () => {
    expect(localDayStart(new Date('2026-01-15T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(localDayStart(new Date('2026-07-15T21:59:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(localDayStart(new Date('2026-07-15T22:00:00Z'), 'Europe/Berlin').toISOString()).toBe('2026-07-15T22:00:00.000Z');
    expect(localDate(new Date('2026-07-15T22:30:00Z'), 'Europe/Berlin')).toBe('2026-07-16');
  });

  it('makes the spring-forward day 23 hours long and the fall-back day 25', () => {
    const spring = localDayStart(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    expect(spring.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect((localDayStart(spring, 'Europe/Berlin', 1).getTime() - spring.getTime()) / 3_600_000).toBe(23);
    const autumn = localDayStart(new Date('2026-10-25T12:00:00Z'), 'Europe/Berlin');
    expect(autumn.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect((localDayStart(autumn, 'Europe/Berlin', 1).getTime() - autumn.getTime()) / 3_600_000).toBe(25);
  });

  it('counts days back across a change and leaves UTC as it is', () => {
    expect(localDayStart(new Date('2026-04-01T10:00:00Z'), 'Europe/Berlin', -5).toISOString()).toBe('2026-03-26T23:00:00.000Z');
    expect(localDayStart(new Date('2026-04-01T10:00:00Z'), 'UTC', -1).toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });
});
