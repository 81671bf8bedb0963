/**
 * The exact null distribution of the Mann-Whitney statistic W (R's `dwilcox`/`pwilcox`/`qwilcox`)
 * for samples of m and n distinct values. Counts come from the recurrence
 *   c(k; m, n) = c(k - n; m - 1, n) + c(k; m, n - 1)
 * (the largest observation is either an x, beating all n y's, or a y), built row by row.
 */

const cache = new Map<string, Float64Array>();

/** counts[k] = number of arrangements with W = k, k = 0 .. m*n. */
function counts(m: number, n: number): Float64Array {
  // W for (m, n) has the same distribution as for (n, m).
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const key = `${small},${large}`;
  const cached = cache.get(key);
  if (cached) return cached;

  // row[j] holds the counts for (i, j) while building i = 0 .. small; for i = 0 only W = 0.
  let row: Float64Array[] = Array.from({ length: large + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= small; i++) {
    const next: Float64Array[] = [Float64Array.of(1)]; // (i, 0): only W = 0
    for (let j = 1; j <= large; j++) {
      const current = new Float64Array(i * j + 1);
      const withX = row[j] as Float64Array; // (i - 1, j), shifted by j
      for (let k = 0; k < withX.length; k++) current[k + j] = (current[k + j] as number) + (withX[k] as number);
      const withY = next[j - 1] as Float64Array; // (i, j - 1)
      for (let k = 0; k < withY.length; k++) current[k] = (current[k] as number) + (withY[k] as number);
      next.push(current);
    }
    row = next;
  }
  const result = row[large] as Float64Array;
  cache.set(key, result);
  return result;
}

function total(c: Float64Array): number {
  let sum = 0;
  for (const value of c) sum += value;
  return sum;
}

/** P(W <= q), R's `pwilcox(q, m, n)`. */
export function wilcoxonCdf(q: number, m: number, n: number): number {
  const k = Math.floor(q + 1e-7);
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const c = counts(m, n);
  const all = total(c);
  let p = 0;
  for (let i = 0; i <= k; i++) p += (c[i] as number) / all;
  return p;
}

/** Smallest q with P(W <= q) >= p, R's `qwilcox(p, m, n)` including its 10-epsilon fuzz. */
export function wilcoxonQuantile(p: number, m: number, n: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return 0;
  if (p === 1) return m * n;
  const c = counts(m, n);
  const all = total(c);
  let cumulative = 0;
  let q = 0;
  if (p <= 0.5) {
    const target = p - 10 * Number.EPSILON;
    for (;;) {
      cumulative += (c[q] as number) / all;
      if (cumulative >= target) return q;
      q++;
    }
  }
  const target = 1 - p + 10 * Number.EPSILON;
  for (;;) {
    cumulative += (c[q] as number) / all;
    if (cumulative > target) return m * n - q;
    q++;
  }
}
