// A generated evaluation corpus for streaming anomaly detectors: series of several cadences (5 s to
// 1 h) and kinds (noisy levels, daily and weekly cycles, random walks, counts, two-level machines,
// quantised and flat sensors, irregular sampling with gaps), each with labelled anomalies of its
// own kind (spikes, level shifts, trend changes, variance changes, broken cycles, stuck sensors,
// drifts, bursts) and some with none. Deterministic for a seed; no series is taken from elsewhere.
import { seededRandom } from '@threadline/db/random';

export interface CorpusSeries {
  name: string;
  /** Epoch ms, ascending. */
  t: number[];
  v: number[];
  /** Rows where labelled anomalies begin. */
  onsets: number[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 5);

type Random = () => number;

function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function poisson(random: Random, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k += 1;
  return k;
}

/** Times at `cadence` ms (with jitter and gaps when irregular). */
function times(rows: number, cadence: number, random: Random, irregular: boolean): number[] {
  const t: number[] = [];
  let now = START;
  for (let i = 0; i < rows; i += 1) {
    t.push(Math.round(now));
    const gap = irregular && random() < 0.01 ? cadence * (5 + 30 * random()) : 0;
    now += irregular ? cadence * (0.5 + random()) + gap : cadence;
  }
  return t;
}

/** Daily shape at time t: a smooth cycle plus a working-hours plateau (a step up at 06:00, down at 22:00). */
function daily(t: number, phase = 0): number {
  const hour = ((((t + phase) % DAY) + DAY) % DAY) / HOUR;
  return Math.sin((2 * Math.PI * hour) / 24) + (hour >= 6 && hour < 22 ? 1.5 : 0);
}

interface Recipe {
  name: string;
  rows: number;
  cadence: number;
  irregular?: boolean;
  /** Value at row i, time t, given the anomalies' onsets. */
  value: (i: number, t: number, random: Random, state: Record<string, number>) => number;
  onsets: number[];
}

const after = (i: number, onset: number | undefined) => onset !== undefined && i >= onset;
const within = (i: number, onset: number | undefined, rows: number) => onset !== undefined && i >= onset && i < onset + rows;

function recipes(seed: number): Recipe[] {
  const r = seededRandom(seed);
  const at = (rows: number, share: number) => Math.floor(rows * (share + 0.05 * r()));
  const list: Recipe[] = [];
  for (const [k, cadence] of [5_000, 60_000, 300_000].entries()) {
    const rows = 4000;
    const [a, b] = [at(rows, 0.4), at(rows, 0.75)];
    list.push({
      name: `spikes-${k}`,
      rows,
      cadence,
      onsets: [a, b],
      value: (i, _t, random, s) => {
        s.ar = 0.8 * (s.ar ?? 0) + gaussian(random);
        return 20 + s.ar + (i === a ? 9 : 0) + (i === b ? -8 : 0);
      },
    });
    list.push({
      name: `level-shift-${k}`,
      rows,
      cadence,
      onsets: [a],
      value: (i, _t, random) => 50 + 2 * gaussian(random) + (after(i, a) ? 7 : 0),
    });
    list.push({
      name: `variance-${k}`,
      rows,
      cadence,
      onsets: [a],
      value: (i, _t, random) => 5 + (after(i, a) && i < a + 400 ? 4 : 1) * gaussian(random),
    });
    list.push({
      name: `trend-${k}`,
      rows,
      cadence,
      onsets: [b],
      value: (i, _t, random) => 70 + gaussian(random) + (after(i, b) ? 0.05 * (i - b) : 0),
    });
  }
  for (const [k, cadence] of [300_000, 600_000, HOUR].entries()) {
    const rows = cadence === HOUR ? 2400 : 4000;
    const perDay = DAY / cadence;
    // 22:00 of a day past the middle: the plateau should end then.
    const a = Math.floor(at(rows, 0.55) / perDay) * perDay + Math.round((22 * perDay) / 24);
    list.push({
      name: `daily-clean-${k}`,
      rows,
      cadence,
      onsets: [],
      value: (_i, t, random) => 30 + 4 * daily(t) + 0.3 * gaussian(random),
    });
    list.push({
      name: `daily-break-${k}`,
      rows,
      cadence,
      onsets: [a],
      // One day the working-hours plateau does not come down at 22:00 and the cycle flattens (a line left running).
      value: (i, t, random) => 30 + (within(i, a, perDay) ? 4 * 1.5 + 0.5 : 4 * daily(t)) + 0.3 * gaussian(random),
    });
    list.push({
      name: `daily-spike-${k}`,
      rows,
      cadence,
      onsets: [a + 3],
      value: (i, t, random) => 100 + 10 * daily(t, 2 * HOUR) + 1.5 * gaussian(random) + (i === a + 3 ? -12 : 0),
    });
  }
  for (const [k, cadence] of [10_000, 60_000].entries()) {
    const rows = 5000;
    const [a, b] = [at(rows, 0.35), at(rows, 0.7)];
    list.push({
      name: `stuck-${k}`,
      rows,
      cadence,
      onsets: [a],
      value: (i, _t, random, s) => {
        if (!within(i, a, 300)) s.last = 40 + 3 * Math.sin(i / 25) + 0.5 * gaussian(random);
        return s.last!;
      },
    });
    list.push({
      name: `two-level-${k}`,
      rows,
      cadence,
      onsets: [b],
      // A machine switching between idle (2) and running (11) every 40-120 rows; at the anomaly it runs at 16.
      value: (i, _t, random, s) => {
        if ((s.left ?? 0) <= 0) {
          s.on = s.on ? 0 : 1;
          s.left = 40 + Math.floor(80 * random());
        }
        s.left = s.left! - 1;
        return (s.on ? (within(i, b, 60) ? 16 : 11) : 2) + 0.05 * gaussian(random);
      },
    });
    list.push({
      name: `quantised-${k}`,
      rows,
      cadence,
      onsets: [a, b],
      // A temperature read to whole degrees: mostly 21-22; a step to 25 and a dip to 17.
      value: (i, _t, random) => Math.round(21.5 + 0.6 * gaussian(random) + (within(i, a, 100) ? 3.5 : 0) + (within(i, b, 20) ? -4.5 : 0)),
    });
    list.push({
      name: `flat-${k}`,
      rows,
      cadence,
      onsets: [b],
      // A setpoint that almost never moves: it steps once (normal, a recipe change) and later jumps.
      value: (i) => (i > 1500 ? 6.5 : 6) + (within(i, b, 50) ? 1.2 : 0),
    });
    list.push({
      name: `counts-${k}`,
      rows,
      cadence,
      onsets: [b],
      // Parts per interval, bursty: a sustained surge.
      value: (i, _t, random) => poisson(random, (random() < 0.02 ? 6 : 1) * (within(i, b, 150) ? 14 : 4)),
    });
    list.push({
      name: `random-walk-${k}`,
      rows,
      cadence,
      onsets: [b],
      value: (i, _t, random, s) => {
        s.level = (s.level ?? 0) + 0.3 * gaussian(random) + (i === b ? 6 : 0);
        return 200 + s.level;
      },
    });
    list.push({
      name: `drift-${k}`,
      rows,
      cadence,
      onsets: [a],
      // A bearing temperature that starts creeping up and then runs away before a failure.
      value: (i, _t, random) => 60 + gaussian(random) + (after(i, a) ? Math.min(25, 0.0004 * (i - a) ** 2) : 0),
    });
    list.push({
      name: `irregular-shift-${k}`,
      rows,
      cadence,
      irregular: true,
      onsets: [a, b],
      value: (i, _t, random) => 12 + 0.8 * gaussian(random) + (within(i, a, 200) ? 4 : 0) + (i === b ? 7 : 0),
    });
  }
  list.push({
    name: 'weekly-noisy',
    rows: 4032,
    cadence: 15 * 60_000,
    onsets: [],
    value: (_i, t, random) => {
      const weekday = new Date(t).getUTCDay();
      return (weekday === 0 || weekday === 6 ? 5 : 20 + 6 * daily(t)) + 2 * gaussian(random);
    },
  });
  return list;
}

/** The corpus for a seed: every recipe played once. */
export function anomalyCorpus(seed = 1): CorpusSeries[] {
  return recipes(seed).map((recipe, index) => {
    const random = seededRandom(seed * 1000 + index);
    const t = times(recipe.rows, recipe.cadence, random, recipe.irregular ?? false);
    const state: Record<string, number> = {};
    const v = t.map((time, i) => recipe.value(i, time, random, state));
    return { name: recipe.name, t, v, onsets: recipe.onsets };
  });
}
