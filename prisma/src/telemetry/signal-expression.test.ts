// The calculated-signal language on worked examples: what parses into what, what is refused and
// where, which unit an expression has, and the values it takes over hand-made series.
import { describe, expect, it } from 'vitest';
import { parseExpression, referencesOf, lookbackMs } from './signal-expression.ts';
import { formatUnit, parseUnit, unitOf } from './signal-units.ts';
import { calculateValues, type Series } from './calculated-values.ts';

const MIN = 60_000;
const series = (points: [number, number][], quality = 0): Series => ({
  times: points.map(([t]) => t * MIN),
  values: points.map(([, v]) => v),
  qualities: points.map(() => quality as Series['qualities'][number]),
});

describe('calculated signal expressions', () => {
  it('parses arithmetic with precedence, hierarchy aggregates, rolling windows and quoted names', () => {
    expect(parseExpression('a + b * 2')).toEqual({
      kind: 'binary',
      op: '+',
      left: { kind: 'signal', name: 'a' },
      right: { kind: 'binary', op: '*', left: { kind: 'signal', name: 'b' }, right: { kind: 'number', value: 2 } },
    });
    const e = parseExpression('sum(line.power) / "good parts" + rolling_max(spindle_load, 15m) - max(a, 3)');
    expect(referencesOf(e)).toEqual([
      { scope: 'line', name: 'power' },
      { scope: 'self', name: 'good parts' },
      { scope: 'self', name: 'spindle_load' },
      { scope: 'self', name: 'a' },
    ]);
    expect(lookbackMs(e)).toBe(15 * MIN);
  });

  it.each([
    ['power +', 'the expression ends too soon (at character 8)'],
    ['power * (2', "expected ')' (at character 11)"],
    ['eval(power)', 'unknown function eval'],
    ['sum(power)', 'sum aggregates a signal over line, site or children, e.g. sum(line.power)'],
    ['line.power', 'line.… names a signal on several assets'],
    ['rolling_mean(power, 2d)', 'rolling_mean takes a window such as 30s, 15m or 2h'],
    ['rolling_mean(power, 25h)', 'a rolling window lasts more than 0 and at most 24h'],
    ['power; drop table signals', "unexpected character ';'"],
    ['abs(a, b)', 'abs takes one argument'],
    ['power 2', 'unexpected text after the expression'],
  ])('refuses %s with its reason', (source, reason) => {
    expect(() => parseExpression(source)).toThrow(reason);
  });

  it('gives the unit of an expression and refuses sums of different units', () => {
    const units: Record<string, string> = { energy: 'kWh', good_parts: 'parts', power: 'kW', speed: 'm/s', length: 'm', time: 's' };
    const unit = (source: string) => formatUnit(unitOf(parseExpression(source), (_scope, name) => parseUnit(units[name])));
    expect(unit('energy / good_parts')).toBe('kWh/parts');
    expect(unit('sum(line.power) + 0.5')).toBe('kW');
    expect(unit('length / time')).toBe('m/s');
    expect(unit('speed - length / time')).toBe('m/s');
    expect(unit('count(line.power)')).toBe('');
    expect(() => unit('power + energy')).toThrow("'+' needs one unit, but has kW and kWh");
    expect(() => unit('max(power, speed)')).toThrow('max needs one unit, but has kW and m/s');
    expect(formatUnit(parseUnit('kW*h/part'))).toBe('h*kW/part');
    expect(formatUnit(parseUnit('m/s^2'))).toBe('m/s^2');
  });

  it('sums a line as of each input time, holding each last point for the hold and no longer', () => {
    // A every minute 0-3, B at minutes 0 and 2, C only at minute 0; hold 90 s.
    const inputs = { self: new Map(), scoped: new Map([['line.power', ['A', 'B', 'C']]]) };
    const values = calculateValues(
      parseExpression('sum(line.power)'),
      inputs,
      new Map([
        [
          'A',
          series([
            [0, 10],
            [1, 11],
            [2, 12],
            [3, 13],
          ]),
        ],
        [
          'B',
          series([
            [0, 20],
            [2, 22],
          ]),
        ],
        ['C', series([[0, 5]], 2)],
      ]),
      90_000,
      0,
      4 * MIN,
    );
    // Minute 0: 10 + 20 + 5 (C uncertain); 1: 11 + 20 (C is 60 s old: held) + 5; 2: 12 + 22 (C 120 s old: gone); 3: 13 + 22.
    expect(values).toEqual([
      { time: 0, value: 35, quality: 2 },
      { time: MIN, value: 36, quality: 2 },
      { time: 2 * MIN, value: 34, quality: 0 },
      { time: 3 * MIN, value: 35, quality: 0 },
    ]);
  });

  it('takes rolling windows over the trailing points and leaves out times without a value', () => {
    const inputs = {
      self: new Map([
        ['load', 'L'],
        ['parts', 'P'],
      ]),
      scoped: new Map(),
    };
    const s = new Map([
      [
        'L',
        series([
          [0, 40],
          [1, 80],
          [2, 60],
          [3, 20],
        ]),
      ],
      [
        'P',
        series([
          [0, 0],
          [2, 4],
        ]),
      ],
    ]);
    const max = calculateValues(parseExpression('rolling_max(load, 2m)'), inputs, s, MIN, 0, 4 * MIN);
    expect(max.map((v) => v.value)).toEqual([40, 80, 80, 60]);
    const mean = calculateValues(parseExpression('rolling_mean(load, 90s)'), inputs, s, MIN, 2 * MIN, 4 * MIN);
    expect(mean.map((v) => [v.time / MIN, v.value])).toEqual([
      [2, 70],
      [3, 40],
    ]);
    // load / parts: division by zero at minute 0 and 1 (parts 0 held) has no value.
    const ratio = calculateValues(parseExpression('load / parts'), inputs, s, MIN, 0, 4 * MIN);
    expect(ratio.map((v) => [v.time / MIN, v.value])).toEqual([
      [2, 15],
      [3, 5],
    ]);
  });
});
