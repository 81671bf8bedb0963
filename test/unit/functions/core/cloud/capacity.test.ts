import { describe, expect, it } from 'vitest';
import { capacityProblems, checkCapacity, mergeCapacity, sameCapacity } from '../../../../../functions/core/cloud/capacity.js';
import { InvalidCapacityError } from '../../../../../functions/core/cloud/errors.js';

describe('capacity', () => {
  it('accepts min ≤ desired ≤ max', () => {
    expect(checkCapacity({ min: 1, max: 3, desired: 2 }, 'app-v001')).toEqual({ min: 1, max: 3, desired: 2 });
    expect(checkCapacity({ min: 0, max: 0, desired: 0 }, 'app-v001')).toEqual({ min: 0, max: 0, desired: 0 });
  });

  it.each([
    [{ min: 3, max: 1, desired: 2 }, 'min (3) is greater than max (1)'],
    [{ min: 2, max: 4, desired: 1 }, 'desired (1) is less than min (2)'],
    [{ min: 0, max: 2, desired: 3 }, 'desired (3) is greater than max (2)'],
    [{ min: -1, max: 2, desired: 1 }, 'min must be a whole number ≥ 0, got -1'],
    [{ min: 0, max: 2.5, desired: 1 }, 'max must be a whole number'],
    [{ min: 0, max: 2 }, 'desired is required'],
  ])('%j is refused: %s', (capacity, message) => {
    expect(() => checkCapacity(capacity, 'app-prod-v003')).toThrow(InvalidCapacityError);
    expect(() => checkCapacity(capacity, 'app-prod-v003')).toThrow(message);
    expect(() => checkCapacity(capacity, 'app-prod-v003')).toThrow('app-prod-v003');
  });

  it('lists every problem', () => {
    expect(capacityProblems({ min: 5, max: 1, desired: 9 })).toEqual(['min (5) is greater than max (1)', 'desired (9) is greater than max (1)']);
  });

  it('merges a partial change into the current capacity', () => {
    expect(mergeCapacity({ min: 1, max: 4, desired: 2 }, { desired: 3 })).toEqual({ min: 1, max: 4, desired: 3 });
    expect(sameCapacity({ min: 1, max: 2, desired: 2 }, { min: 1, max: 2, desired: 2 })).toBe(true);
    expect(sameCapacity({ min: 1, max: 2, desired: 2 }, { min: 1, max: 2, desired: 1 })).toBe(false);
  });
});
