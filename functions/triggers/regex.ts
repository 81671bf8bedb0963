/**
 * Patterns written in trigger settings (branch, tag, payload constraints), compiled with the same
 * guard as expressions use against patterns that backtrack for ever, and tested against values of
 * bounded length. A pattern that cannot be compiled never matches.
 */
import { compileSafePattern } from '../../state-machines/expressions/regex.js';

const MAX_VALUE_LENGTH = 10_000;
const cache = new Map<string, RegExp | null>();

function compiled(pattern: string, whole: boolean): RegExp | null {
  const key = `${whole ? 'w' : 'f'}:${pattern}`;
  let regex = cache.get(key);
  if (regex === undefined) {
    try {
      regex = compileSafePattern(pattern, { whole });
    } catch {
      regex = null;
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, regex);
  }
  return regex;
}

/** Java's `Pattern.matches`: the whole value must match. */
export function matchesWhole(pattern: string, value: string): boolean {
  if (value.length > MAX_VALUE_LENGTH) return false;
  return compiled(pattern, true)?.test(value) ?? false;
}

/** Java's `Pattern.compile(p).asPredicate()`: some part of the value matches (Echo's constraints). */
export function matchesSomewhere(pattern: string, value: string): boolean {
  if (value.length > MAX_VALUE_LENGTH) return false;
  return compiled(pattern, false)?.test(value) ?? false;
}

/** Whether a pattern compiles (for validation messages). */
export function patternProblem(pattern: string): string | undefined {
  try {
    compileSafePattern(pattern, { whole: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
