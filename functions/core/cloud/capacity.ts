/** Server group capacity: min ≤ desired ≤ max, whole numbers ≥ 0. Pure. */
import { InvalidCapacityError } from './errors.js';

export interface Capacity {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

/** Every problem with a capacity; empty when it is valid. */
export function capacityProblems(capacity: Partial<Capacity>): string[] {
  const problems: string[] = [];
  for (const field of ['min', 'max', 'desired'] as const) {
    const value = capacity[field];
    if (value === undefined) problems.push(`${field} is required`);
    else if (!Number.isInteger(value) || value < 0) problems.push(`${field} must be a whole number ≥ 0, got ${value}`);
  }
  if (problems.length > 0) return problems;
  const { min, max, desired } = capacity as Capacity;
  if (min > max) problems.push(`min (${min}) is greater than max (${max})`);
  if (desired < min) problems.push(`desired (${desired}) is less than min (${min})`);
  if (desired > max) problems.push(`desired (${desired}) is greater than max (${max})`);
  return problems;
}

/** Returns the capacity when valid; otherwise throws InvalidCapacityError naming the server group. */
export function checkCapacity(capacity: Partial<Capacity>, serverGroup: string): Capacity {
  const problems = capacityProblems(capacity);
  if (problems.length > 0) {
    throw new InvalidCapacityError(`invalid capacity for server group ${serverGroup} ${JSON.stringify(capacity)}: ${problems.join('; ')}`);
  }
  return { min: capacity.min!, max: capacity.max!, desired: capacity.desired! };
}

/** A partial change applied to the current capacity (a resize that only sets desired keeps min/max). */
export function mergeCapacity(current: Capacity, change: Partial<Capacity>): Partial<Capacity> {
  return {
    min: change.min ?? current.min,
    max: change.max ?? current.max,
    desired: change.desired ?? current.desired,
  };
}

export function sameCapacity(a: Capacity, b: Capacity): boolean {
  return a.min === b.min && a.max === b.max && a.desired === b.desired;
}
