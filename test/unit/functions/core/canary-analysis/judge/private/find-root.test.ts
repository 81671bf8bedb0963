import { describe, expect, it } from 'vitest';
import { findRoot } from '../../../../../../../functions/core/canary-analysis/judge/private/find-root.js';

describe('findRoot (Brent, as R uniroot)', () => {
  it('finds a root within the tolerance', () => {
    const root = findRoot((x) => x * x - 2, 0, 2, { tol: 1e-10 });

    expect(Math.abs(root - Math.SQRT2)).toBeLessThan(1e-10);
  });

  it('returns an end point that is a root, and refuses a bracket without a sign change', () => {
    expect(findRoot((x) => x - 1, 1, 3)).toBe(1);
    expect(() => findRoot((x) => x * x + 1, -1, 1)).toThrow(/opposite sign/);
  });
});
