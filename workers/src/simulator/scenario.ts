// The plant simulator's scenario: a deterministic value for every signal at every second, from a
// seed, so a run can be reproduced exactly. Normal operation follows each property's range with
// a daily load cycle and noise; four faults are injected on fixed assets, repeating every
// SCENARIO_PERIOD_MS: slow spindle bearing degradation to failure, current spikes, a drifting
// temperature sensor, and a compressed-air leak wasting energy. A confounder makes failure risk
// harder to learn: another spindle of the line runs heavy roughing jobs in the same hours as the
// bearing wears, raising its vibration as much as mid-life wear does, with its load (wear barely
// moves the load), and never fails.

export interface SimSignal {
  site: string;
  assetCode: string;
  property: string;
  protocol: 'MQTT' | 'SPARKPLUG_B' | 'OPC_UA';
  address: string;
  min: number;
  max: number;
}

export type FaultKind = 'BEARING_DEGRADATION' | 'CURRENT_SPIKES' | 'SENSOR_DRIFT' | 'AIR_LEAK' | 'HEAVY_JOBS';

export interface Fault {
  kind: FaultKind;
  assetCode: string;
  /** Properties the fault changes. */
  properties: string[];
}

/** Faults on the demo plant's assets (asset codes from the demo seed). */
export const DEMO_FAULTS: Fault[] = [
  { kind: 'BEARING_DEGRADATION', assetCode: 'LEJ-L1-CNC02', properties: ['spindle_vibration', 'spindle_temperature', 'spindle_load', 'power'] },
  { kind: 'CURRENT_SPIKES', assetCode: 'LEJ-L2-CNV01', properties: ['motor_current'] },
  { kind: 'SENSOR_DRIFT', assetCode: 'LEJ-L2-CHL01', properties: ['supply_temperature'] },
  { kind: 'AIR_LEAK', assetCode: 'LEJ-L1-CMP01', properties: ['power', 'discharge_pressure'] },
  { kind: 'HEAVY_JOBS', assetCode: 'LEJ-L1-CNC05', properties: ['spindle_vibration', 'spindle_temperature', 'spindle_load', 'power'] },
];

/** Heavy roughing jobs: 20-minute blocks, one in three, over this share of the period. */
const HEAVY_FROM = 0.45;
const HEAVY_TO = 0.72;
const HEAVY_BLOCK_MS = 20 * 60_000;
const HEAVY_FACTOR: Record<string, number> = { spindle_vibration: 1.7, spindle_temperature: 1.05, spindle_load: 1.3, power: 1.25 };

export const SCENARIO_PERIOD_MS = 8 * 3_600_000;
/** Share of the period the degrading bearing runs before it fails, and how long the repair takes. */
const FAILURE_AT = 0.75;
const REPAIR_MS = 30 * 60_000;

/** A uniform number in [0, 1) from integers, stable across runs (mulberry32 over a mixed key). */
export function unit(seed: number, a: number, b: number): number {
  let t = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(a, 0xc2b2ae35) ^ Math.imul(b, 0x27d4eb2f)) >>> 0;
  t = (t + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface Reading {
  value: number;
  /** True while the asset is down because of a fault (for incidents). */
  down: boolean;
}

export class Scenario {
  private readonly faults: Map<string, Fault>;

  constructor(
    readonly seed: number,
    faults: Fault[] = DEMO_FAULTS,
  ) {
    this.faults = new Map(faults.map((f) => [f.assetCode, f]));
  }

  /** Where in the repeating period `t` falls, 0-1. */
  phase(t: number): number {
    return (((t % SCENARIO_PERIOD_MS) + SCENARIO_PERIOD_MS) % SCENARIO_PERIOD_MS) / SCENARIO_PERIOD_MS;
  }

  read(signal: SimSignal, t: number): Reading {
    const second = Math.floor(t / 1000);
    const key = hashString(signal.address);
    const span = signal.max - signal.min;
    const daily = 0.5 + 0.15 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000 + (key % 7));
    const noise = (unit(this.seed, key, second) - 0.5) * 0.06 * span;
    let value = signal.min + span * daily * 0.8 + noise;
    let down = false;
    const fault = this.faults.get(signal.assetCode);
    if (fault && fault.properties.includes(signal.property)) {
      ({ value, down } = this.applyFault(fault, signal, t, value, span, key, second));
    }
    return { value: Math.round(value * 1000) / 1000, down };
  }

  private applyFault(fault: Fault, signal: SimSignal, t: number, value: number, span: number, key: number, second: number): Reading {
    const phase = this.phase(t);
    switch (fault.kind) {
      case 'BEARING_DEGRADATION': {
        const inPeriod = phase * SCENARIO_PERIOD_MS;
        const failAt = FAILURE_AT * SCENARIO_PERIOD_MS;
        if (inPeriod >= failAt && inPeriod < failAt + REPAIR_MS) return { value: signal.property === 'spindle_temperature' ? signal.min + 10 : 0, down: true };
        // Slow at first, then fast; a new bearing after the repair. Mild: at failure the vibration
        // is three times normal, the temperature 30 % up, the load and power 10 %.
        const wear = inPeriod >= failAt + REPAIR_MS ? 0 : (inPeriod / failAt) ** 3;
        const factor = signal.property === 'spindle_vibration' ? 1 + 2 * wear : signal.property === 'spindle_temperature' ? 1 + 0.3 * wear : 1 + 0.1 * wear;
        return { value: value * factor, down: false };
      }
      case 'CURRENT_SPIKES':
        return { value: unit(this.seed, key + 1, second) < 0.004 ? signal.max * 1.6 : value, down: false };
      case 'SENSOR_DRIFT':
        return { value: value + phase * 0.6 * span, down: false };
      case 'AIR_LEAK':
        return { value: phase > 0.3 && phase < 0.7 ? value * (signal.property === 'power' ? 1.3 : 0.93) : value, down: false };
      case 'HEAVY_JOBS': {
        const heavy = phase >= HEAVY_FROM && phase < HEAVY_TO && Math.floor((phase * SCENARIO_PERIOD_MS) / HEAVY_BLOCK_MS) % 3 === 0;
        return { value: heavy ? value * (HEAVY_FACTOR[signal.property] ?? 1) : value, down: false };
      }
    }
  }
}
