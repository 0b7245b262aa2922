// The edge agent's outbox on a real disk: order, restarts, a torn last write, a full buffer.
import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EdgeOutbox } from './outbox.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'tl-outbox-'));

describe('the edge outbox', () => {
  it('gives records back in order until acknowledged, across a restart, with the same epoch', () => {
    const dir = fresh();
    const outbox = EdgeOutbox.open(dir);
    expect(
      outbox.append([
        { kind: 'A', n: 1 },
        { kind: 'A', n: 2 },
      ]),
    ).toBe(2);
    expect(outbox.append([{ kind: 'B', n: 3 }])).toBe(3);
    expect(outbox.peek(10).map((r) => [r.seq, r.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    outbox.ack(2);
    expect(outbox.peek(10).map((r) => r.seq)).toEqual([3]);
    expect(outbox.backlog).toBe(1);
    const epoch = outbox.epoch;
    outbox.close();

    const reopened = EdgeOutbox.open(dir);
    expect(reopened.epoch).toBe(epoch);
    expect(reopened.backlog).toBe(1);
    expect(reopened.peek(10).map((r) => r.n)).toEqual([3]);
    expect(reopened.append([{ kind: 'C', n: 4 }])).toBe(4);
    reopened.ack(4);
    expect(reopened.peek(10)).toEqual([]);
    reopened.close();
    expect(EdgeOutbox.open(fresh()).epoch).not.toBe(epoch);
  });

  it('cuts off a record torn by a crash mid-write and numbers on from the last whole one', () => {
    const dir = fresh();
    const outbox = EdgeOutbox.open(dir);
    outbox.append([{ n: 1 }, { n: 2 }]);
    outbox.close();
    const [segment] = readdirSync(join(dir, 'segments'));
    appendFileSync(join(dir, 'segments', segment!), '{"n":3,"se');
    const reopened = EdgeOutbox.open(dir);
    expect(reopened.peek(10).map((r) => r.n)).toEqual([1, 2]);
    expect(reopened.append([{ n: 3 }])).toBe(3);
    expect(reopened.peek(10).map((r) => [r.seq, r.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('drops the oldest records, and counts them, when the backlog outgrows its bound', () => {
    const dir = fresh();
    const outbox = EdgeOutbox.open(dir, 6 * 1024 * 1024);
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 1; i <= 12; i += 1) outbox.append([{ n: i, big }]);
    expect(outbox.dropped).toBeGreaterThan(0);
    const left = outbox.peek(100).map((r) => r.n as number);
    expect(left[0]).toBe(outbox.dropped + 1);
    expect(left.at(-1)).toBe(12);
    expect(left.length + outbox.dropped).toBe(12);
    expect(outbox.backlog).toBe(left.length);
  });
});
