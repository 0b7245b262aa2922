import { describe, expect, it } from 'vitest';
import { insightTransitions } from './insight-rules.ts';

const w = (assetId: string, windowEnd: number, score: number) => ({ assetId, windowEnd, score });

describe('insight transitions', () => {
  it('raises once per crossing and closes below the re-arm level', () => {
    const { raise, close } = insightTransitions(
      new Map(),
      [w('a', 1, 0.2), w('a', 2, 0.9), w('a', 3, 0.95), w('a', 4, 0.5), w('a', 5, 0.3), w('a', 6, 0.7)],
      0.6,
    );
    expect(raise.map((r) => [r.window.windowEnd, r.closedAt])).toEqual([
      [2, 5],
      [6, null],
    ]);
    expect(close).toEqual([]);
  });

  it('closes an insight opened earlier only with a later window', () => {
    expect(insightTransitions(new Map([['a', 10]]), [w('a', 5, 0.1)], 0.6).close).toEqual([]);
    expect(insightTransitions(new Map([['a', 10]]), [w('a', 11, 0.1)], 0.6).close).toEqual(['a']);
    expect(insightTransitions(new Map([['a', 10]]), [w('a', 12, 0.9)], 0.6).raise).toEqual([]);
  });
});
