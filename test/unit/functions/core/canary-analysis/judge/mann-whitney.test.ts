import { describe, expect, it } from 'vitest';
import { InvalidSampleError } from '../../../../../../functions/core/canary-analysis/judge/errors.js';
import { wilcoxonRankSumTest } from '../../../../../../functions/core/canary-analysis/judge/mann-whitney.js';

/** All m*n differences x_i - y_j, sorted, and their median: the Hodges-Lehmann estimate. */
function pairwiseMedian(x: number[], y: number[]): number {
  const diffs = x.flatMap((xi) => y.map((yj) => xi - yj)).sort((a, b) => a - b);
  const half = diffs.length >> 1;
  return diffs.length % 2 === 1 ? (diffs[half] as number) : ((diffs[half - 1] as number) + (diffs[half] as number)) / 2;
}

function expectClose(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('wilcoxonRankSumTest, exact method (both samples < 50 values, no ties)', () => {
  it('x = 10,20,30,40 vs y = 1..4 at the judge level 0.98 gives [6, 39] and 22.5', () => {
    // GIVEN the 16 differences 6..9, 16..19, 26..29, 36..39 and m = n = 4.
    // P(W <= 0) = 1/70 = 0.0143 >= alpha/2 = 0.01, so qwilcox(0.01, 4, 4) = 0; R bumps it to 1,
    // which takes the 1st and the 16th difference. The median is (19 + 26) / 2.
    const result = wilcoxonRankSumTest([10, 20, 30, 40], [1, 2, 3, 4], { confidenceLevel: 0.98 });

    expect(result).toEqual({
      statistic: 16,
      method: 'exact',
      confidenceInterval: [6, 39],
      confidenceLevel: 0.98,
      estimate: 22.5,
    });
  });

  it("gives the same interval at R's default level 0.95, and [7, 38] at 0.90", () => {
    // 0.95: P(W <= 1) = 2/70 = 0.0286 >= 0.025, so qu = 1 again.
    // 0.90: P(W <= 1) = 0.0286 < 0.05 <= P(W <= 2) = 4/70 = 0.057, so qu = 2: the 2nd and 15th.
    expect(wilcoxonRankSumTest([10, 20, 30, 40], [1, 2, 3, 4]).confidenceInterval).toEqual([6, 39]);
    expect(wilcoxonRankSumTest([10, 20, 30, 40], [1, 2, 3, 4], { confidenceLevel: 0.9 }).confidenceInterval).toEqual([7, 38]);
  });

  it('a sample shifted by 5.5 gives an interval symmetric about 5.5 and estimate 5.5', () => {
    // GIVEN y = 1..10 and x = y + 5.5: the differences are 5.5 + k, k = -9..9, with multiplicity
    // 10 - |k|, symmetric about 5.5. The two-sided 2% critical value of U for 10 and 10 is 19
    // (published tables), so qwilcox(0.01, 10, 10) = 20; cumulative counts 1, 3, 6, 10, 15, 21
    // for k = -9..-4 put the 20th difference at k = -4 (1.5) and the 81st at k = +4 (9.5).
    const y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const result = wilcoxonRankSumTest(
      y.map((v) => v + 5.5),
      y,
      { confidenceLevel: 0.98 },
    );

    expect(result.method).toBe('exact');
    expect(result.estimate).toBe(5.5);
    expect(result.confidenceInterval).toEqual([1.5, 9.5]);
  });

  it('the estimate is the median of the pairwise differences (Hodges-Lehmann)', () => {
    const x = [0.8, 1.3, 2.9, 4.1, 5.6, 7.0];
    const y = [0.2, 0.5, 1.1, 1.9, 2.2];

    const result = wilcoxonRankSumTest(x, y, { confidenceLevel: 0.98 });

    expect(result.method).toBe('exact');
    expect(result.estimate).toBe(pairwiseMedian(x, y));
    // R 4.2.2, wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98): [-0.90000000000000013,
    // 5.9000000000000004], estimate 2.2999999999999998: the bounds are the differences 0.2 - 1.1
    // and 7.0 - 1.1 as doubles.
    expect(result.confidenceInterval).toEqual([0.2 - 1.1, 7.0 - 1.1]);
    expect(result.estimate).toBe(2.2999999999999998);
  });

  it('reports the achieved level when the exact distribution cannot reach the requested one', () => {
    // m = n = 2: P(W = 0) = 1/6, so even the widest interval only has 1 - 2/6 confidence.
    const result = wilcoxonRankSumTest([3, 4], [1, 2], { confidenceLevel: 0.95 });

    expect(result.confidenceInterval).toEqual([1, 3]);
    expect(result.confidenceLevel).toBeCloseTo(2 / 3, 15);
  });
});

describe('wilcoxonRankSumTest, normal approximation (ties, or 50 values or more)', () => {
  it('a tied sample shifted by exactly 10 gives estimate 10 and an interval symmetric about it', () => {
    // GIVEN y = 1..6 each ten times and x = y + 10 (ties → normal approximation). The statistic
    // W(d) of (x - d, y) is an odd step function about d = 10, and mumin = 5, mumax = 15 sit
    // symmetrically, so Brent's first secant step lands on 10, the root; the interval ends are
    // mirror images around 10 within the root tolerance 1e-4.
    const y = [1, 2, 3, 4, 5, 6].flatMap((v) => Array<number>(10).fill(v));
    const x = y.map((v) => v + 10);

    const result = wilcoxonRankSumTest(x, y, { confidenceLevel: 0.98 });

    expect(result.method).toBe('normal');
    expect(result.estimate).toBe(10);
    const [lower, upper] = result.confidenceInterval;
    expect(Math.abs((lower + upper) / 2 - 10)).toBeLessThanOrEqual(1e-4);
    // R 4.2.2 gives [9.000012831001321, 10.999987168998679].
    expectClose(lower, 9.000012831001321);
    expectClose(upper, 10.999987168998679);
  });

  it('60 distinct values per sample use the normal approximation; the estimate is the shift', () => {
    // x = 101.25 .. 160.25 and y = 100 .. 159: x is y + 1.25, with no ties. R 4.2.2:
    // [-6.7499369810562557, 9.2499369810562548], estimate 1.25.
    const y = Array.from({ length: 60 }, (_, i) => 100 + i);
    const x = y.map((v) => v + 1.25);

    const result = wilcoxonRankSumTest(x, y, { confidenceLevel: 0.98 });

    expect(result.method).toBe('normal');
    expect(result.estimate).toBe(1.25);
    expectClose(result.confidenceInterval[0], -6.7499369810562557);
    expectClose(result.confidenceInterval[1], 9.2499369810562548);
  });

  it('matches R with ties at the default level 0.95', () => {
    // R 4.2.2: wilcox.test(c(1,2,2,3,3,3,4,4,5), c(2,3,3,4,4,4,5,5,6,7), conf.int = TRUE)
    const result = wilcoxonRankSumTest([1, 2, 2, 3, 3, 3, 4, 4, 5], [2, 3, 3, 4, 4, 4, 5, 5, 6, 7]);

    expect(result.method).toBe('normal');
    expectClose(result.confidenceInterval[0], -2.9999440982469499);
    expectClose(result.confidenceInterval[1], 4.7011404718590876e-6);
    expectClose(result.estimate, -1.000047956897864);
  });

  it('returns the ends of the range when the statistic never reaches the quantile', () => {
    // R's own example: wilcox.test(1, 2:60, conf.int = TRUE) → [-59, -1], estimate -30.
    const y = Array.from({ length: 59 }, (_, i) => i + 2);

    const result = wilcoxonRankSumTest([1], y);

    expect(result.confidenceInterval).toEqual([-59, -1]);
    expect(result.estimate).toBe(-30);
  });

  it('exact: false forces the normal approximation', () => {
    expect(wilcoxonRankSumTest([10, 20, 30, 40], [1, 2, 3, 4], { exact: false }).method).toBe('normal');
  });
});

describe('wilcoxonRankSumTest input checks', () => {
  it.each([
    ['an empty sample', [], [1]],
    ['a NaN', [1, Number.NaN], [1, 2]],
    ['an infinity', [1, 2], [Infinity, 2]],
  ])('refuses %s', (_label, x, y) => {
    expect(() => wilcoxonRankSumTest(x, y)).toThrow(InvalidSampleError);
  });

  it('refuses a confidence level outside (0, 1)', () => {
    expect(() => wilcoxonRankSumTest([1, 2], [3, 4], { confidenceLevel: 1 })).toThrow(InvalidSampleError);
  });

  it('refuses to build an interval when every observation is tied, as R does', () => {
    expect(() => wilcoxonRankSumTest([5, 5, 5], [5, 5])).toThrow(/all observations are tied/);
  });
});
