import { describe, expect, it } from 'vitest';
import { averageRanks } from '../../../../../../../functions/core/canary-analysis/judge/private/ranks.js';

describe('averageRanks (as R rank, ties averaged)', () => {
  it('averages tied positions and sums t^3 - t over tie groups', () => {
    const { ranks, tieCorrection, hasTies } = averageRanks([3, 1, 3, 2, 3]);

    expect([...ranks]).toEqual([4, 1, 4, 2, 4]);
    expect(tieCorrection).toBe(27 - 3);
    expect(hasTies).toBe(true);
  });
});
