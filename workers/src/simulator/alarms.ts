// The simulated PLCs' alarm and state logic: an alarm when a reading leaves its normal range
// (critical past 130 % of the limit), a log line when it returns, and state changes when a fault
// stops an asset or it runs again. Purely from successive readings.
import type { Reading, SimSignal } from './scenario.ts';

export interface SimEvent {
  site: string;
  assetCode: string;
  time: string;
  kind: 'ALARM' | 'STATE_CHANGE' | 'LOG';
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  code: string;
  message: string;
  attributes: Record<string, number | string>;
  /** The signal an alarm or its clearing is about; an OPC UA server reports it as a condition. */
  signal?: { protocol: string; address: string };
}

export class AlarmLogic {
  private readonly high = new Set<string>();
  private readonly down = new Set<string>();

  step(readings: readonly { signal: SimSignal; reading: Reading }[], time: Date): SimEvent[] {
    const events: SimEvent[] = [];
    const at = time.toISOString();
    const downNow = new Set(readings.filter((r) => r.reading.down).map((r) => r.signal.assetCode));
    for (const { signal, reading } of readings) {
      const base = { site: signal.site, assetCode: signal.assetCode, time: at };
      if (reading.down && !this.down.has(signal.assetCode)) {
        this.down.add(signal.assetCode);
        events.push({
          ...base,
          kind: 'STATE_CHANGE',
          severity: 'CRITICAL',
          code: 'STOPPED',
          message: `${signal.assetCode} stopped on a fault`,
          attributes: {},
        });
      } else if (!downNow.has(signal.assetCode) && this.down.has(signal.assetCode)) {
        this.down.delete(signal.assetCode);
        events.push({ ...base, kind: 'STATE_CHANGE', severity: 'INFO', code: 'RUNNING', message: `${signal.assetCode} running again`, attributes: {} });
      }
      const code = `${signal.property.toUpperCase()}_HIGH`;
      const source = { signal: { protocol: signal.protocol, address: signal.address } };
      const key = `${signal.assetCode}|${signal.property}`;
      if (reading.value > signal.max && !this.high.has(key)) {
        this.high.add(key);
        events.push({
          ...base,
          kind: 'ALARM',
          severity: reading.value > signal.max * 1.3 ? 'CRITICAL' : 'WARNING',
          code,
          message: `${signal.property} ${reading.value} above its limit ${signal.max}`,
          attributes: { value: reading.value, limit: signal.max },
          ...source,
        });
      } else if (reading.value <= signal.max && this.high.has(key)) {
        this.high.delete(key);
        events.push({
          ...base,
          kind: 'LOG',
          severity: 'INFO',
          code: `${code}_CLEARED`,
          message: `${signal.property} back within its limit`,
          attributes: { value: reading.value },
          ...source,
        });
      }
    }
    return events;
  }
}
