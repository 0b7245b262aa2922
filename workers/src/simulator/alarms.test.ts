// The simulated alarm logic raises, escalates and clears alarms and reports stops and restarts.
import { describe, expect, it } from 'vitest';
import { AlarmLogic } from './alarms.ts';
import type { SimSignal } from './scenario.ts';

const signal: SimSignal = {
  site: 'LEJ',
  assetCode: 'A1',
  property: 'spindle_vibration',
  protocol: 'OPC_UA',
  address: 'ns=1;s=A1.spindle_vibration',
  min: 0,
  max: 7.1,
};
const at = new Date('2026-11-23T08:00:00Z');

describe('simulated alarm logic', () => {
  it('raises an alarm once when a reading leaves its range, critical beyond 130 %, and clears it', () => {
    const logic = new AlarmLogic();
    expect(logic.step([{ signal, reading: { value: 5, down: false } }], at)).toEqual([]);
    expect(logic.step([{ signal, reading: { value: 9.5, down: false } }], at).map((e) => [e.kind, e.severity, e.code])).toEqual([
      ['ALARM', 'CRITICAL', 'SPINDLE_VIBRATION_HIGH'],
    ]);
    expect(logic.step([{ signal, reading: { value: 9.9, down: false } }], at)).toEqual([]);
    expect(logic.step([{ signal, reading: { value: 4, down: false } }], at).map((e) => e.code)).toEqual(['SPINDLE_VIBRATION_HIGH_CLEARED']);
  });

  it('reports a stop and the restart as state changes', () => {
    const logic = new AlarmLogic();
    expect(logic.step([{ signal, reading: { value: 0, down: true } }], at).map((e) => [e.code, e.severity])).toEqual([['STOPPED', 'CRITICAL']]);
    expect(logic.step([{ signal, reading: { value: 0, down: true } }], at)).toEqual([]);
    expect(logic.step([{ signal, reading: { value: 3, down: false } }], at).map((e) => e.code)).toEqual(['RUNNING']);
  });
});
