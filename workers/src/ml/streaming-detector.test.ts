import { describe, expect, it } from 'vitest';
import { seededRandom } from '@threadline/db/random';
import { detectSeries, SignalDetector } from './streaming-detector.ts';
import { anomalyCorpus } from './anomaly-corpus.ts';
import { bestThreshold, corpusScore, PROFILES, scoreSeries } from './event-window-score.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 5);

function noise(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

/** A series of `rows` samples every `cadence` ms from START. */
function series(rows: number, cadence: number, value: (i: number, t: number) => number) {
  const t = Array.from({ length: rows }, (_, i) => START + i * cadence);
  return { t, v: t.map((time, i) => value(i, time)) };
}

const flagged = (scores: ArrayLike<number>, from = 0, to = scores.length) =>
  Array.from(scores)
    .slice(from, to)
    .filter((s) => s >= 0.5).length;

describe('the streaming detector', () => {
  it('flags a level shift at once, then absorbs it as the new normal', () => {
    const n = noise(1);
    const { t, v } = series(3000, MINUTE, (i) => 50 + 2 * n() + (i >= 1500 ? 10 : 0));
    const scores = detectSeries(t, v);
    expect(Math.max(...scores.slice(1500, 1505))).toBeGreaterThan(0.6);
    expect(flagged(scores, 200, 1500)).toBe(0);
    // A hundred samples on, the shifted level is normal: nothing more is flagged.
    expect(flagged(scores, 1600)).toBe(0);
  });

  it('gives the same false-alarm rate at one threshold on series of any scale and cadence, and never saturates', () => {
    const a = noise(2);
    const b = noise(3);
    const small = series(20_000, 5_000, () => 0.01 * a());
    const large = series(20_000, 3_600_000, (_, t) => 5_000 + 800 * b() + 300 * Math.sin(t / 7e6));
    const rates = [small, large].map(({ t, v }) => flagged(detectSeries(t, v), 500) / 19_500);
    for (const rate of rates) expect(rate).toBeLessThan(0.003);
    // Quantised and flat series: finite scores below 1 throughout.
    const steps = series(5_000, MINUTE, () => Math.round(21.5 + 0.6 * a()));
    const flat = series(5_000, MINUTE, (i) => (i === 4000 ? 7 : 6));
    for (const { t, v } of [steps, flat]) for (const score of detectSeries(t, v)) expect(score >= 0 && score < 1).toBe(true);
    expect(flagged(detectSeries(steps.t, steps.v), 500)).toBeLessThan(10);
    expect(detectSeries(flat.t, flat.v)[4000]).toBeGreaterThan(0.8);
  });

  it('does not flag ordinary daily steps once it has seen two days, and flags a day that breaks them', () => {
    const n = noise(4);
    const daily = (t: number) => {
      const hour = (t % 86_400_000) / 3_600_000;
      return 30 + 4 * Math.sin((2 * Math.PI * hour) / 24) + (hour >= 6 && hour < 22 ? 6 : 0);
    };
    // Five-minute samples over twelve days; on day 10 the plateau does not come down at 22:00.
    const perDay = 288;
    const broken = 10 * perDay + 264;
    const { t, v } = series(
      12 * perDay,
      5 * MINUTE,
      (i, time) => (i >= broken && i < broken + 96 ? 36 + 4 * Math.sin((2 * Math.PI * 22) / 24) : daily(time)) + 0.3 * n(),
    );
    const scores = detectSeries(t, v);
    expect(flagged(scores, 3 * perDay, broken)).toBe(0);
    expect(Math.max(...scores.slice(broken, broken + 6))).toBeGreaterThan(0.5);
  });

  it('learns the week: weekends are normal after two weeks, and a Saturday run like a weekday is flagged', () => {
    const n = noise(7);
    const quarter = 15 * MINUTE;
    // START is a Monday; five weeks of quarter hours; on the fifth Saturday the plant runs as on a weekday.
    const saturday = 4 * 7 * 96 + 5 * 96;
    const weekday = (t: number) => 20 + 6 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
    const { t, v } = series(5 * 7 * 96, quarter, (i, time) => {
      const day = new Date(time).getUTCDay();
      const weekend = day === 0 || day === 6;
      return (weekend && !(i >= saturday + 32 && i < saturday + 80) ? 5 : weekday(time)) + 0.5 * n();
    });
    const scores = detectSeries(t, v);
    expect(flagged(scores, 2 * 7 * 96, saturday)).toBeLessThanOrEqual(2);
    expect(Math.max(...scores.slice(saturday + 32, saturday + 40))).toBeGreaterThan(0.5);
  });

  it('flags a stuck sensor, a spike and a slow drift', () => {
    const n = noise(5);
    const stuck = series(3000, 10_000, (i) => (i >= 2000 && i < 2300 ? 40 : 40 + 3 * Math.sin(i / 25) + 0.5 * n()));
    const spike = series(3000, 10_000, (i) => 20 + n() + (i === 2000 ? 9 : 0));
    const drift = series(3000, 10_000, (i) => 60 + n() + (i >= 2000 ? Math.min(25, 0.0004 * (i - 2000) ** 2) : 0));
    const firstFlag = ({ t, v }: { t: number[]; v: number[] }) => Array.from(detectSeries(t, v)).findIndex((s, i) => i >= 300 && s >= 0.5);
    expect(firstFlag(stuck)).toBeGreaterThanOrEqual(2000);
    expect(firstFlag(stuck)).toBeLessThan(2010);
    expect(firstFlag(spike)).toBe(2000);
    expect(firstFlag(drift)).toBeGreaterThanOrEqual(2000);
    expect(firstFlag(drift)).toBeLessThan(2150);
  });

  it('continues from its saved state exactly as if it had never stopped', () => {
    const n = noise(6);
    const { t, v } = series(4000, MINUTE, (i, time) => 10 + Math.sin(time / 3e6) + 0.2 * n() + (i === 3500 ? 3 : 0));
    const whole = detectSeries(t, v);
    const first = new SignalDetector();
    for (let i = 0; i < 2500; i += 1) first.update(t[i]!, v[i]!);
    const resumed = new SignalDetector(JSON.parse(JSON.stringify(first)));
    for (let i = 2500; i < 4000; i += 1) expect(resumed.update(t[i]!, v[i]!).score).toBe(whole[i]);
    expect(() => resumed.update(t[0]!, 1)).toThrow(/time order/);
  });

  it('scores event windows: an early detection earns about 1, a miss costs 1, a false alarm a fraction', () => {
    const profile = PROFILES[0]!;
    const labelled = { rows: 1000, onsets: [500] };
    // The window is rows 450-549; probation covers rows before 150.
    expect(scoreSeries(labelled, [450], profile).raw).toBeCloseTo(0.986, 2);
    expect(scoreSeries(labelled, [549], profile).raw).toBeCloseTo(0, 3);
    expect(scoreSeries(labelled, [], profile)).toMatchObject({ raw: -1, missed: 1 });
    expect(scoreSeries(labelled, [100, 300, 500], profile)).toMatchObject({ detected: 1, falseAlarms: 1 });
    expect(scoreSeries(labelled, [300], profile).raw).toBeCloseTo(-1 - 0.11, 6);
    const corpus = [{ series: labelled, scores: Float64Array.from({ length: 1000 }, (_, i) => (i === 460 ? 0.9 : 0)) }];
    expect(corpusScore(corpus, 0.5, profile).score).toBeGreaterThan(95);
    expect(bestThreshold(corpus, profile).threshold).toBe(0.9);
  });

  it('beats the event-window goal on its own generated corpus with its default threshold', () => {
    const corpus = anomalyCorpus(1).map((s) => ({ series: { rows: s.v.length, onsets: s.onsets }, scores: detectSeries(s.t, s.v) }));
    expect(corpusScore(corpus, 0.5, PROFILES[0]!).score).toBeGreaterThan(75);
  });
});
