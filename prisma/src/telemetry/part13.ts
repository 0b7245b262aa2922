// OPC UA Part 13 style aggregates over raw points, purely, with stepped interpolation: a value
// holds from its timestamp until the next point. The bounding value before a bucket (the last
// point before it) fills the bucket's start, as Part 13 prescribes for stepped data.
export interface RawSample {
  time: number;
  value: number | null;
  good: boolean;
}

export interface Part13Bucket {
  start: number;
  /** Time-weighted average of the good, non-null value over the covered part of the bucket. */
  timeWeightedAverage: number | null;
  /** Share of the bucket's covered duration whose value was good, 0-100. */
  percentGood: number | null;
  /** Milliseconds the value equalled `state` (for state signals). */
  timeInStateMs: number;
  /** How often the value changed inside the bucket. */
  transitionCount: number;
}

/**
 * `samples` sorted by time, including the last one before `from` when there is one (the bounding
 * value). Buckets are [from + k·width, from + (k+1)·width) up to `to`.
 */
export function part13Aggregates(samples: readonly RawSample[], from: number, to: number, widthMs: number, state: number | null = null): Part13Bucket[] {
  const buckets: Part13Bucket[] = [];
  for (let start = from; start < to; start += widthMs) {
    const end = Math.min(start + widthMs, to);
    let weighted = 0;
    let goodMs = 0;
    let coveredMs = 0;
    let inStateMs = 0;
    let transitions = 0;
    let previous: number | null | undefined;
    for (let i = 0; i < samples.length; i += 1) {
      const sample = samples[i]!;
      const next = samples[i + 1]?.time ?? to;
      const segStart = Math.max(sample.time, start);
      const segEnd = Math.min(next, end);
      if (sample.time >= end) break;
      if (segEnd <= segStart) continue;
      const ms = segEnd - segStart;
      coveredMs += ms;
      if (sample.good && sample.value !== null) {
        goodMs += ms;
        weighted += sample.value * ms;
      }
      if (state !== null && sample.value === state) inStateMs += ms;
      if (sample.time >= start && previous !== undefined && sample.value !== previous) transitions += 1;
      previous = sample.value;
    }
    buckets.push({
      start,
      timeWeightedAverage: goodMs > 0 ? weighted / goodMs : null,
      percentGood: coveredMs > 0 ? (100 * goodMs) / coveredMs : null,
      timeInStateMs: inStateMs,
      transitionCount: transitions,
    });
  }
  return buckets;
}
