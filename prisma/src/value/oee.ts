// Overall equipment effectiveness as the product of its three losses, over planned production
// time (the shifts less holidays and planned stops): availability = run time / planned time,
// performance = units / (ideal rate × run time), capped at 1, quality = good units / units.

export interface OeeInput {
  plannedHours: number;
  /** Unplanned downtime within the planned time. */
  downHours: number;
  units: number;
  rejected: number;
  idealRatePerMinute: number;
}

export interface Oee {
  availability: number;
  performance: number;
  quality: number;
  oee: number;
}

export function oeeOf(input: OeeInput): Oee {
  const runMinutes = (input.plannedHours - input.downHours) * 60;
  const availability = input.plannedHours > 0 ? runMinutes / 60 / input.plannedHours : 0;
  const performance = runMinutes > 0 ? Math.min(1, input.units / (input.idealRatePerMinute * runMinutes)) : 0;
  const quality = input.units > 0 ? 1 - input.rejected / input.units : 0;
  return { availability, performance, quality, oee: availability * performance * quality };
}
