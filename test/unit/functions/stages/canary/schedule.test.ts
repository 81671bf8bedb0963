import { describe, expect, it } from 'vitest';
import { decide, intervalCount, intervalWindow } from '../../../../../functions/stages/canary/schedule.js';

const MIN = 60_000;

describe('canary schedule', () => {
  const schedule = { lifetimeMs: 60 * MIN, intervalMs: 20 * MIN, metricsDelayMs: 2 * MIN };

  it('splits the lifetime into intervals, the last one shorter when it does not divide', () => {
    expect(intervalCount(schedule)).toBe(3);
    expect(intervalCount({ ...schedule, intervalMs: 25 * MIN })).toBe(3);
    expect(intervalCount({ ...schedule, intervalMs: 60 * MIN })).toBe(1);
    expect(intervalWindow({ ...schedule, intervalMs: 25 * MIN }, 0, 3).end).toBe(60 * MIN);
  });

  it('judges from the start of the analysis to the end of each interval, once its metrics are in', () => {
    expect(intervalWindow(schedule, 1000, 2)).toEqual({ index: 2, start: 1000, end: 1000 + 40 * MIN, dueAt: 1000 + 42 * MIN });
  });

  it('judges only the last `lookback` when one is set', () => {
    expect(intervalWindow({ ...schedule, lookbackMs: 15 * MIN }, 0, 2)).toMatchObject({ start: 25 * MIN, end: 40 * MIN });
    expect(intervalWindow({ ...schedule, lookbackMs: 30 * MIN }, 0, 1)).toMatchObject({ start: 0, end: 20 * MIN });
  });
});

describe('decide', () => {
  const thresholds = { pass: 75, marginal: 50 };

  it('ends at once on an interval at or below marginal', () => {
    expect(decide(50, 1, 3, thresholds)).toEqual({ kind: 'fail', reason: 'interval 1 of 3 scored 50, at or below the marginal threshold 50' });
  });

  it('goes on after a marginal or passing interval that is not the last', () => {
    expect(decide(60, 1, 3, thresholds).kind).toBe('continue');
    expect(decide(100, 2, 3, thresholds).kind).toBe('continue');
  });

  it('passes only when the final score reaches pass', () => {
    expect(decide(75, 3, 3, thresholds).kind).toBe('pass');
    expect(decide(74.99, 3, 3, thresholds)).toEqual({ kind: 'fail', reason: 'final score 74.99 is below the pass threshold 75' });
  });
});
