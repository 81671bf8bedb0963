import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../../../../../functions/core/canary-analysis/judge/private/normal-quantile.js';

describe('normalQuantile (AS 241, as R qnorm)', () => {
  // Expected values printed by R 4.2.2 with %.17g. The tails go through Math.log, which V8 may
  // round one ulp away from glibc, hence 14 digits rather than bit equality there.
  it.each([
    [0.975, true, 1.9599639845400536],
    [0.3, true, -0.52440051270804067],
    [0.3, false, 0.52440051270804067],
    [0.9, true, 1.2815515655446008],
    [0.01, true, -2.3263478740408408],
    [1e-20, true, -9.2623400897984052],
  ])('qnorm(%s, lower.tail = %s) = %s', (p, lowerTail, expected) => {
    expect(normalQuantile(p, lowerTail)).toBeCloseTo(expected, 14);
  });

  it('is exact in the central region, where no logarithm is taken', () => {
    expect(normalQuantile(0.975)).toBe(1.9599639845400536);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('maps 0 and 1 to infinities and refuses probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0, false)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
