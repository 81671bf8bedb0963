/**
 * Patterns written in trigger settings (branch, tag, project, payload and attribute constraints),
 * run by the one user-pattern module (linear-time engine) against values of bounded length. A
 * pattern that cannot be compiled never matches (validate refuses it before deployment).
 */
import { ExpressionFault } from '../../state-machines/expressions/errors.js';
import { compileUserPattern, type UserPattern } from '../../state-machines/expressions/regex.js';

const MAX_VALUE_LENGTH = 10_000;

function compiled(pattern: string): UserPattern | undefined {
  try {
    return compileUserPattern(pattern);
  } catch (error) {
    if (!(error instanceof ExpressionFault)) throw error;
    return undefined;
  }
}

/** Java's `Pattern.matches`: the whole value must match. */
export function matchesWhole(pattern: string, value: string): boolean {
  if (value.length > MAX_VALUE_LENGTH) return false;
  return compiled(pattern)?.matchesWhole(value) ?? false;
}

/** Java's `Pattern.compile(p).asPredicate()`: some part of the value matches (Echo's constraints). */
export function matchesSomewhere(pattern: string, value: string): boolean {
  if (value.length > MAX_VALUE_LENGTH) return false;
  return compiled(pattern)?.find(value) ?? false;
}
