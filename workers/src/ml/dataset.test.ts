// The validation slice of telemetry windows: the latest fifth of the training span, moved back to
// the start of a failure's approach when the cut falls inside it, so the slice holds the faint
// early windows as well as the obvious late ones.
import { describe, expect, it } from 'vitest';
import { validationSplit, type Dataset } from './dataset.ts';

const MINUTE = 60_000;

/** Two assets, a window a minute for 100 minutes; asset b's windows from `from` to `to` minutes precede a failure. */
function windows(from: number, to: number): Dataset {
  const data: Dataset = { rows: [], labels: [], windowEnds: [], assetIds: [] };
  for (let m = 0; m < 100; m += 1) {
    for (const asset of ['a', 'b']) {
      data.rows.push(Float64Array.of(m));
      data.labels.push(asset === 'b' && ((m >= from && m < to) || m === 20) ? 1 : 0);
      data.windowEnds.push(m * MINUTE);
      data.assetIds.push(asset);
    }
  }
  return data;
}

const positiveMinutes = (d: Dataset) => d.windowEnds.filter((_, i) => d.labels[i] === 1).map((t) => t / MINUTE);

describe('the validation slice', () => {
  it('is the latest fifth in time when no approach to a failure crosses the cut', () => {
    const { fit, validation } = validationSplit(windows(90, 95));
    expect(Math.min(...validation.windowEnds) / MINUTE).toBe(80);
    expect(positiveMinutes(validation)).toEqual([90, 91, 92, 93, 94]);
    expect(positiveMinutes(fit)).toEqual([20]);
  });

  it('starts where the approach to a failure starts when the cut falls inside it', () => {
    const { fit, validation } = validationSplit(windows(70, 90));
    expect(Math.min(...validation.windowEnds) / MINUTE).toBe(70);
    expect(positiveMinutes(validation)).toHaveLength(20);
    expect(positiveMinutes(fit)).toEqual([20]);
  });
});
