import { fail } from './errors.js';

/** Longest expression body accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 10_000;

/** Deepest nesting accepted: parentheses, calls, unary chains and the depth of the parsed tree. */
export const MAX_NESTING_DEPTH = 100;

/** Most evaluation steps (nodes visited, elements compared) one expression may take. */
export const MAX_EVALUATION_STEPS = 100_000;

/** Longest string a `+` concatenation may build. */
export const MAX_STRING_LENGTH = 1_000_000;

/** Longest user pattern accepted (expressions and triggers). */
export const MAX_PATTERN_LENGTH = 1_000;

/** Most RE2 instructions a compiled user pattern may have: matching costs at most this per character. */
export const MAX_PATTERN_PROGRAM = 5_000;

/** Deepest nesting of objects and arrays walked when looking for expressions. */
export const MAX_VALUE_DEPTH = 200;

/** Counts evaluation steps so that no expression can run for long, whatever the data. */
export class Budget {
  private steps = 0;

  constructor(private readonly limit = MAX_EVALUATION_STEPS) {}

  spend(steps = 1): void {
    this.steps += steps;
    if (this.steps > this.limit) fail(`evaluation took more than ${this.limit} steps`);
  }
}
