import { describe, expect, it } from 'vitest';
import { wilcoxonCdf, wilcoxonQuantile } from '../../../../../../../functions/core/canary-analysis/judge/private/wilcoxon-distribution.js';

describe('Wilcoxon rank-sum distribution (as R pwilcox / qwilcox)', () => {
  it('counts by hand for m = n = 4: W = 0, 1, 2 occur 1, 1, 2 times out of 70', () => {
    expect(wilcoxonCdf(0, 4, 4)).toBeCloseTo(1 / 70, 15);
    expect(wilcoxonCdf(2, 4, 4)).toBeCloseTo(4 / 70, 15);
    expect(wilcoxonCdf(-1, 4, 4)).toBe(0);
    expect(wilcoxonCdf(16, 4, 4)).toBe(1);
  });

  it('matches R for the quantiles the interval uses', () => {
    expect(wilcoxonQuantile(0.01, 4, 4)).toBe(0);
    expect(wilcoxonQuantile(0.025, 4, 4)).toBe(1);
    expect(wilcoxonQuantile(0.05, 4, 4)).toBe(2);
    expect(wilcoxonQuantile(0.01, 10, 10)).toBe(20);
    expect(wilcoxonQuantile(0.99, 10, 10)).toBe(80);
    // the largest exact case: 49 and 49 values
    expect(wilcoxonQuantile(0.025, 49, 49)).toBe(925);
    expect(wilcoxonCdf(1000, 49, 49)).toBeCloseTo(0.077968162023427587, 14);
  });

  it('is symmetric in the two sample sizes', () => {
    expect(wilcoxonCdf(7, 3, 8)).toBe(wilcoxonCdf(7, 8, 3));
  });
});
