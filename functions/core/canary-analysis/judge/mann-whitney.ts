/**
 * The two-sample Wilcoxon rank-sum (Mann-Whitney U) test with the confidence interval and estimate
 * of the location shift x - y, computed as R's `wilcox.test(x, y, conf.int = TRUE, conf.level)`
 * computes them (R 4.x, default `exact = NULL`, `correct = TRUE`):
 *
 * - exact, when both samples have fewer than 50 values and there are no ties: the interval is read
 *   off the sorted m*n pairwise differences at the `qwilcox(alpha/2, m, n)`-th position from each
 *   end, and the estimate is their median (the Hodges-Lehmann estimator);
 * - otherwise the normal approximation with continuity correction: the interval ends are the
 *   shifts d at which the standardized rank-sum of (x - d, y) crosses -/+ z(1 - alpha/2), found
 *   with Brent's method to tolerance 1e-4 as `uniroot` does, and the estimate is the shift where it
 *   crosses 0 (without the continuity correction).
 */
import { InvalidSampleError } from './errors.js';
import { findRoot } from './private/find-root.js';
import { normalQuantile } from './private/normal-quantile.js';
import { averageRanks } from './private/ranks.js';
import { wilcoxonCdf, wilcoxonQuantile } from './private/wilcoxon-distribution.js';

export interface WilcoxonOptions {
  /** Confidence level of the interval, in (0, 1). @default 0.95 (R's default; the judge uses 0.98) */
  readonly confidenceLevel?: number;
  /**
   * Force (true) or forbid (false) the exact method; ties always fall back to the normal
   * approximation, as in R. @default exact when both samples have fewer than 50 values
   */
  readonly exact?: boolean;
  /** Continuity correction in the normal approximation. @default true */
  readonly correct?: boolean;
  /**
   * Absolute tolerance of the interval and estimate roots in the normal approximation.
   * @default 1e-4 (what `wilcox.test` hands to `uniroot`)
   */
  readonly rootTolerance?: number;
}

type WilcoxonMethod = 'exact' | 'normal';

export interface WilcoxonResult {
  /** R's W: the rank sum of x minus n_x (n_x + 1) / 2, i.e. the Mann-Whitney U of x. */
  readonly statistic: number;
  readonly method: WilcoxonMethod;
  /** Interval for the location shift x - y: [lower, upper]. */
  readonly confidenceInterval: readonly [number, number];
  /**
   * The level the interval has: the requested one, or the achieved one when the exact
   * distribution cannot reach it (R's "Requested conf.level not achievable").
   */
  readonly confidenceLevel: number;
  /** Estimate of the location shift x - y. */
  readonly estimate: number;
}

/** Root-finding tolerance `wilcox.test` hands to `uniroot`. */
const ROOT_TOLERANCE = 1e-4;
/** `wilcox.test` uses the exact distribution below this many values per sample. */
const EXACT_LIMIT = 50;

export function wilcoxonRankSumTest(x: readonly number[], y: readonly number[], options: WilcoxonOptions = {}): WilcoxonResult {
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  checkSample('x', x);
  checkSample('y', y);
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new InvalidSampleError(`confidenceLevel must be in (0, 1), got ${confidenceLevel}`);
  }

  const ranking = averageRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < x.length; i++) rankSumX += ranking.ranks[i] as number;
  const statistic = rankSumX - (x.length * (x.length + 1)) / 2;

  const exact = options.exact ?? (x.length < EXACT_LIMIT && y.length < EXACT_LIMIT);
  if (exact && !ranking.hasTies) {
    return { statistic, method: 'exact', ...exactInterval(x, y, confidenceLevel) };
  }
  return { statistic, method: 'normal', ...normalInterval(x, y, confidenceLevel, options.correct ?? true, options.rootTolerance ?? ROOT_TOLERANCE) };
}

function checkSample(name: string, sample: readonly number[]): void {
  if (sample.length === 0) throw new InvalidSampleError(`sample ${name} is empty`);
  if (!sample.every(Number.isFinite)) throw new InvalidSampleError(`sample ${name} has a non-finite value`);
}

type Interval = Pick<WilcoxonResult, 'confidenceInterval' | 'confidenceLevel' | 'estimate'>;

function exactInterval(x: readonly number[], y: readonly number[], confidenceLevel: number): Interval {
  const m = x.length;
  const n = y.length;
  const alpha = 1 - confidenceLevel;
  const diffs = new Float64Array(m * n);
  let k = 0;
  for (const xi of x) for (const yj of y) diffs[k++] = xi - yj;
  diffs.sort();

  // R: qu <- qwilcox(alpha/2, m, n); if (qu == 0) qu <- 1; ql <- m*n - qu;
  //    c(diffs[qu], diffs[ql + 1])   (1-based)
  const qu = Math.max(1, wilcoxonQuantile(alpha / 2, m, n));
  const ql = m * n - qu;
  const achievedAlpha = 2 * wilcoxonCdf(Math.trunc(qu) - 1, m, n);
  const half = diffs.length >> 1;
  const estimate = diffs.length % 2 === 1 ? (diffs[half] as number) : ((diffs[half - 1] as number) + (diffs[half] as number)) / 2;
  return {
    confidenceInterval: [diffs[qu - 1] as number, diffs[ql] as number],
    confidenceLevel: achievedAlpha - alpha > alpha / 2 ? 1 - achievedAlpha : confidenceLevel,
    estimate,
  };
}

function normalInterval(x: readonly number[], y: readonly number[], confidenceLevel: number, correct: boolean, tol: number): Interval {
  const m = x.length;
  const n = y.length;
  const alpha = 1 - confidenceLevel;
  const muMin = extreme(x, Math.min) - extreme(y, Math.max);
  const muMax = extreme(x, Math.max) - extreme(y, Math.min);
  // Sorted once: x - d stays sorted for any d (rounding is monotone), so each evaluation merges
  // two sorted lists instead of ranking m + n values from scratch.
  const xSorted = Float64Array.from(x).sort();
  const ySorted = Float64Array.from(y).sort();

  // The standardized rank-sum statistic of (x - d, y) minus zq; decreasing in d.
  const wdiff = (d: number, zq: number, withCorrection: boolean): number => {
    const { rankSumX, tieCorrection } = shiftedRankSum(xSorted, d, ySorted);
    const dz = rankSumX - (m * (m + 1)) / 2 - (m * n) / 2;
    const correction = withCorrection ? Math.sign(dz) * 0.5 : 0;
    const sigma = Math.sqrt(((m * n) / 12) * (m + n + 1 - tieCorrection / ((m + n) * (m + n - 1))));
    if (sigma === 0) {
      throw new InvalidSampleError('cannot compute confidence interval when all observations are tied');
    }
    return (dz - correction) / sigma - zq;
  };

  const root = (zq: number): number => {
    // At the ends of the range the statistic may never reach zq (tiny samples): R returns the end.
    const fLower = wdiff(muMin, zq, correct);
    if (fLower <= 0) return muMin;
    const fUpper = wdiff(muMax, zq, correct);
    if (fUpper >= 0) return muMax;
    return findRoot((d) => wdiff(d, zq, correct), muMin, muMax, { fLower, fUpper, tol });
  };

  const lower = root(normalQuantile(alpha / 2, false));
  const upper = root(normalQuantile(alpha / 2));
  // R finds the estimate with the continuity correction switched off.
  const estimate = findRoot((d) => wdiff(d, 0, false), muMin, muMax, { tol });
  return { confidenceInterval: [lower, upper], confidenceLevel, estimate };
}

/** Math.min/Math.max over an array without spreading it into arguments (long series). */
function extreme(values: readonly number[], pick: (a: number, b: number) => number): number {
  let result = values[0] as number;
  for (const value of values) result = pick(result, value);
  return result;
}

/**
 * Sum of the average ranks of (x - d) in the combined sample (x - d, y), and the tie term
 * sum(t^3 - t) over groups of equal values: what R gets from rank() and table(), by one merge of
 * the sorted samples.
 */
function shiftedRankSum(xSorted: Float64Array, d: number, ySorted: Float64Array): { rankSumX: number; tieCorrection: number } {
  let i = 0;
  let j = 0;
  let position = 0; // values ranked so far
  let rankSumX = 0;
  let tieCorrection = 0;
  while (i < xSorted.length || j < ySorted.length) {
    const nextX = i < xSorted.length ? (xSorted[i] as number) - d : Infinity;
    const nextY = j < ySorted.length ? (ySorted[j] as number) : Infinity;
    const value = Math.min(nextX, nextY);
    let fromX = 0;
    while (i < xSorted.length && (xSorted[i] as number) - d === value) {
      fromX++;
      i++;
    }
    let fromY = 0;
    while (j < ySorted.length && ySorted[j] === value) {
      fromY++;
      j++;
    }
    const size = fromX + fromY;
    rankSumX += fromX * (position + (size + 1) / 2);
    tieCorrection += size * size * size - size;
    position += size;
  }
  return { rankSumX, tieCorrection };
}
