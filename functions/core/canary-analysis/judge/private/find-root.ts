/**
 * Brent's root finder (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4) in
 * the form R's `uniroot()` runs it: bisection safeguarded by secant and inverse quadratic
 * interpolation, stopping when the bracket is within `tol`. The steps follow R's zeroin so that
 * the roots, which R only finds to `tol` (1e-4 in `wilcox.test`), land on the same numbers.
 */

export interface RootOptions {
  /** Absolute tolerance on the root. @default 1e-4 */
  readonly tol?: number;
  /** Iteration cap. @default 1000 (as uniroot) */
  readonly maxIterations?: number;
  /** f(lower) if the caller already has it. */
  readonly fLower?: number;
  /** f(upper) if the caller already has it. */
  readonly fUpper?: number;
}

export function findRoot(f: (x: number) => number, lower: number, upper: number, options: RootOptions = {}): number {
  const tol = options.tol ?? 1e-4;
  const fLower = options.fLower ?? f(lower);
  const fUpper = options.fUpper ?? f(upper);
  if (Number.isNaN(fLower) || Number.isNaN(fUpper)) {
    throw new RangeError('findRoot: f() is NaN at an end point');
  }
  if (fLower * fUpper > 0) {
    throw new RangeError('findRoot: f() values at end points not of opposite sign');
  }
  if (fLower === 0) return lower;
  if (fUpper === 0) return upper;

  // b is the best estimate, a the previous one, c the point that keeps the root bracketed in [b, c].
  let a = lower;
  let fa = fLower;
  let b = upper;
  let fb = fUpper;
  let c = a;
  let fc = fa;

  for (let left = (options.maxIterations ?? 1000) + 1; left > 0; left--) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolerance = 2 * Number.EPSILON * Math.abs(b) + tol / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= tolerance || fb === 0) return b;

    // Interpolate only when the previous step was large enough and went the right way.
    if (Math.abs(previousStep) >= tolerance && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa; // secant through the two distinct points
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc; // inverse quadratic through three points
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolerance * q) / 2 && p < Math.abs((previousStep * q) / 2)) {
        step = p / q;
      }
    }

    if (Math.abs(step) < tolerance) step = step > 0 ? tolerance : -tolerance;
    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  // Like uniroot, the last estimate is returned when the cap is hit (R only warns).
  return b;
}
