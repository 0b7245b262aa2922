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
  /** Time-weighted average of the good (or, asked for, every) non-null value over the covered part of the bucket. */
  timeWeightedAverage: number | null;
  /** Share of the bucket's covered duration whose value was good, 0-100. */
  percentGood: number | null;
  /** Milliseconds the value equalled `state` (for state signals). */
  timeInStateMs: number;
  /** How often the value changed inside the bucket. */
  transitionCount: number;
}

export interface Part13Options {
  /** The state to measure time in (state signals). */
  state?: number | null;
  /** Average every non-null value, not only good ones (percentGood still counts good ones). */
  includeAllQualities?: boolean;
}

/**
 * `samples` sorted by time, including the last one before `from` when there is one (the bounding
 * value). Buckets are [from + k·width, from + (k+1)·width) up to `to`. Each bucket starts from the
 * last sample at or before its start, so the work grows with buckets + samples, not their product.
 */
export function part13Aggregates(samples: readonly RawSample[], from: number, to: number, widthMs: number, options: Part13Options = {}): Part13Bucket[] {
  const state = options.state ?? null;
  const buckets: Part13Bucket[] = [];
  let first = 0;
  for (let start = from; start < to; start += widthMs) {
    const end = Math.min(start + widthMs, to);
    while (first + 1 < samples.length && samples[first + 1]!.time <= start) first += 1;
    let weighted = 0;
    let averagedMs = 0;
    let goodMs = 0;
    let coveredMs = 0;
    let inStateMs = 0;
    let transitions = 0;
    let previous: number | null | undefined;
    for (let i = first; i < samples.length; i += 1) {
      const sample = samples[i]!;
      const next = samples[i + 1]?.time ?? to;
      const segStart = Math.max(sample.time, start);
      const segEnd = Math.min(next, end);
      if (sample.time >= end) break;
      if (segEnd <= segStart) continue;
      const ms = segEnd - segStart;
      coveredMs += ms;
      const good = sample.good && sample.value !== null;
      if (good) goodMs += ms;
      if (sample.value !== null && (good || options.includeAllQualities)) {
        averagedMs += ms;
        weighted += sample.value * ms;
      }
      if (state !== null && sample.value === state) inStateMs += ms;
      if (sample.time >= start && previous !== undefined && sample.value !== previous) transitions += 1;
      previous = sample.value;
    }
    buckets.push({
      start,
      timeWeightedAverage: averagedMs > 0 ? weighted / averagedMs : null,
      percentGood: coveredMs > 0 ? (100 * goodMs) / coveredMs : null,
      timeInStateMs: inStateMs,
      transitionCount: transitions,
    });
  }
  return buckets;
}
