// The streaming anomaly detector: per signal, five expectations of the next sample, each judged by
// how unusual its error is against that expectation's own recent errors (tail-history.ts), so one
// threshold means the same false-alarm rate on every series, whatever its scale or cadence:
//   step    — the last sample, the median of the last five, or the last moved as the time of day
//             or of the week moves it (spikes, jumps);
//   level   — the mean of the last eight against a slow moving mean (drifts, trends, surges);
//   daily   — what the same quarter hour of earlier days held (broken daily cycles), from two days;
//   weekly  — what the same quarter hour of earlier weeks held (a weekend run like a weekday);
//   stuck   — how long the value has not changed (stuck and frozen sensors).
// It learns continuously (every error joins its history 40 samples late, so a sustained change is
// surprising while young and then normal; the oldest leaves), works in samples, not seconds (any
// cadence, irregular sampling, gaps), and is causal. The smallest tail probability, corrected for
// the number of expectations and of the asset's signals, is the surprise s = −log10 p; the score
// s′ / (s′ + 3) ∈ [0, 1) never saturates, where s′ is s less the decaying memory of the episode in
// progress, so an episode reports at its onset rather than at every sample. Its state is plain
// data (toJSON / the constructor), persisted between jobs.
import { EXPECTATIONS, type Expectation } from '@threadline/db/models/streaming-spec';
import { SeasonalSlots, type Slot } from './seasonal-slots.ts';
import { TailHistory, type TailHistoryState } from './tail-history.ts';

/** One configuration for every series. */
export const DETECTOR_SETTINGS = {
  history: 1000,
  warmup: 100,
  stepMedian: 5,
  levelMean: 8,
  /** The slow mean's weight per sample. */
  baselineWeight: 0.01,
  /** Slots per day (the week has seven times as many), and the weight of each new visit in a slot's expectation. */
  dailySlots: 96,
  seasonalWeight: 0.3,
  /** Half-life (samples) of an episode's memory. */
  episodeHalfLife: 400,
  /** The score is s′ / (s′ + halfScoreSurprise): 0.5 at a tail probability of 1e-3. */
  halfScoreSurprise: 3,
  /** Samples an error waits before it joins its history. */
  learnDelay: 40,
  /** Surprise is capped here (a tail probability of 1e-30). */
  maxSurprise: 30,
} as const;

const DAY_MS = 86_400_000;

export interface Detection {
  score: number;
  /** −log10 of the corrected tail probability before the episode's memory. */
  surprise: number;
  /** The expectation the sample broke most, what it expected, and the sample. */
  expectation: Expectation;
  expected: number;
  value: number;
}

export interface SignalDetectorState {
  seen: number;
  recent: number[];
  baseline: number | null;
  memory: number;
  /** Samples the value has not changed for. */
  run: number;
  lastSlot: number | null;
  lastWeekSlot: number | null;
  /** Errors waiting to join their histories. */
  pending: Record<Expectation, number[]>;
  lastTime: number | null;
  histories: Record<Expectation, TailHistoryState>;
  /** Per quarter hour of the day, and of the week: what the signal usually is there (seasonal-slots.ts). */
  slots: Slot[];
  weekSlots: Slot[];
}

export class SignalDetector {
  private seen = 0;
  private recent: number[] = [];
  private baseline: number | null = null;
  private memory = 0;
  private run = 0;
  private lastSlot: number | null = null;
  private lastWeekSlot: number | null = null;
  private pending = byExpectation((): number[] => []);
  private lastTime: number | null = null;
  private readonly histories: Record<Expectation, TailHistory>;
  private readonly daily: SeasonalSlots;
  private readonly weekly: SeasonalSlots;

  /** `signals`: how many signals of one asset are judged together (their evidence is corrected for their number). */
  constructor(
    state?: SignalDetectorState,
    private readonly signals = 1,
  ) {
    const s = DETECTOR_SETTINGS;
    if (state) {
      ({
        seen: this.seen,
        recent: this.recent,
        baseline: this.baseline,
        memory: this.memory,
        run: this.run,
        lastSlot: this.lastSlot,
        lastWeekSlot: this.lastWeekSlot,
        lastTime: this.lastTime,
      } = state);
      this.pending = byExpectation((e) => [...state.pending[e]]);
    }
    this.histories = byExpectation((e) => (state ? TailHistory.from(state.histories[e]) : new TailHistory(s.history)));
    this.daily = new SeasonalSlots(DAY_MS, s.dailySlots, s.seasonalWeight, state?.slots);
    this.weekly = new SeasonalSlots(7 * DAY_MS, 7 * s.dailySlots, s.seasonalWeight, state?.weekSlots);
  }

  /** Scores a sample at time t (epoch ms; samples must come in time order) and learns from it. */
  update(t: number, value: number): Detection {
    const s = DETECTOR_SETTINGS;
    if (this.lastTime !== null && t < this.lastTime) throw new Error('samples must come in time order');
    this.lastTime = t;
    const recent = this.recent;
    const floor = 1e-9 * Math.abs(value) + 1e-12;
    const errors: Partial<Record<Expectation, { error: number; expected: number }>> = {};
    const slot = this.daily.slotOf(t);
    const week = this.weekly.slotOf(t);
    if (recent.length > 0) {
      const last = recent[recent.length - 1]!;
      // The next sample as the last one, the median of the last five, or the last one moved as the time of day, or of the week, moves it.
      const candidates = [last, medianOf(recent.slice(-s.stepMedian))];
      for (const [cycle, now, before] of [
        [this.daily, slot, this.lastSlot],
        [this.weekly, week, this.lastWeekSlot],
      ] as const) {
        const [here, there] = [cycle.expected(now), before === null ? null : cycle.expected(before)];
        if (here !== null && there !== null) candidates.push(last + here - there);
      }
      let expected = last;
      for (const c of candidates) if (Math.abs(value - c) < Math.abs(value - expected)) expected = c;
      errors.step = { error: Math.abs(value - expected), expected };
      this.run = value === last ? this.run + 1 : 0;
      errors.stuck = { error: this.run, expected: last };
    }
    this.lastSlot = slot;
    this.lastWeekSlot = week;
    const levelWindow = [...recent.slice(-(s.levelMean - 1)), value];
    const level = levelWindow.reduce((a, b) => a + b, 0) / levelWindow.length;
    if (this.baseline !== null) errors.level = { error: Math.abs(level - this.baseline), expected: this.baseline };
    const usual = this.daily.expected(slot);
    if (usual !== null) errors.daily = { error: Math.abs(value - usual), expected: usual };
    const weekly = this.weekly.expected(week);
    if (weekly !== null) errors.weekly = { error: Math.abs(value - weekly), expected: weekly };

    let best: Detection = { score: 0, surprise: 0, expectation: 'step', expected: value, value };
    const active = EXPECTATIONS.filter((e) => errors[e] && this.histories[e].count >= s.warmup);
    if (this.seen >= s.warmup && active.length > 0) {
      let p = 1;
      for (const e of active) {
        const { error, expected } = errors[e]!;
        const q = this.histories[e].tailProbability(error, Math.max(floor, 0.05 * this.histories[e].quantile(0.9)));
        if (q < p) {
          p = q;
          best = { ...best, expectation: e, expected };
        }
      }
      const surprise = Math.min(s.maxSurprise, -Math.log10(Math.min(1, p * active.length * this.signals)));
      const decayed = this.memory * Math.pow(0.5, 1 / s.episodeHalfLife);
      const excess = Math.max(0, surprise - decayed);
      this.memory = Math.max(decayed, excess);
      best = { ...best, surprise, score: excess / (excess + s.halfScoreSurprise) };
    }

    // Normal is learnt from every sample, after a delay: a sustained change stays surprising while
    // it is younger than the delay, instead of filling the tail it is judged against.
    for (const e of EXPECTATIONS) {
      if (!errors[e]) continue;
      const pending = this.pending[e];
      pending.push(errors[e].error);
      if (pending.length > s.learnDelay) this.histories[e].add(pending.shift()!);
    }
    this.baseline = this.baseline === null ? level : this.baseline + s.baselineWeight * (level - this.baseline);
    this.daily.add(slot, value);
    this.weekly.add(week, value);
    recent.push(value);
    if (recent.length > s.levelMean) recent.shift();
    this.seen += 1;
    return best;
  }

  toJSON(): SignalDetectorState {
    return {
      seen: this.seen,
      recent: [...this.recent],
      baseline: this.baseline,
      memory: this.memory,
      run: this.run,
      lastSlot: this.lastSlot,
      lastWeekSlot: this.lastWeekSlot,
      pending: byExpectation((e) => [...this.pending[e]]),
      lastTime: this.lastTime,
      histories: byExpectation((e) => this.histories[e].toJSON()),
      slots: this.daily.toJSON(),
      weekSlots: this.weekly.toJSON(),
    };
  }
}

export interface AssetDetectorState {
  signals: Record<string, SignalDetectorState>;
}

/**
 * The detector of one asset: a signal detector per signal, each sample judged with its signal's
 * evidence corrected for the number of signals, so an asset with more signals raises no more
 * false alarms than one with a single signal.
 */
export class AssetDetector {
  private readonly detectors: Map<string, SignalDetector>;

  constructor(names: readonly string[], state?: AssetDetectorState | null) {
    this.detectors = new Map(names.map((n) => [n, new SignalDetector(state?.signals[n], names.length)]));
  }

  /** Scores a sample of one of the asset's signals; samples of a signal must come in time order. */
  update(signal: string, t: number, value: number): Detection {
    const detector = this.detectors.get(signal);
    if (!detector) throw new Error(`the detector has no signal ${signal}`);
    return detector.update(t, value);
  }

  toJSON(): AssetDetectorState {
    return { signals: Object.fromEntries([...this.detectors].map(([n, d]) => [n, d.toJSON()])) };
  }
}

function byExpectation<T>(make: (e: Expectation) => T): Record<Expectation, T> {
  return Object.fromEntries(EXPECTATIONS.map((e) => [e, make(e)])) as Record<Expectation, T>;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Scores of a whole series in order (one signal from its first sample: the bench's and the tests' way). */
export function detectSeries(t: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const detector = new SignalDetector();
  const scores = new Float64Array(v.length);
  for (let i = 0; i < v.length; i += 1) scores[i] = detector.update(t[i]!, v[i]!).score;
  return scores;
}
