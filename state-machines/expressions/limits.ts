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

/**
 * Most text one evaluation pass (every expression of a stage's config, or one string) may produce,
 * in bytes: a character counts two, the most a JavaScript string holds per UTF-16 unit. Steps alone
 * do not bound memory: one `replace`, `toJson` or `+` step can make megabytes.
 */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

const BYTES_PER_CHAR = 2;

/**
 * The text budget of one evaluation pass, shared by its expressions. Operations charge it with the
 * size of what they are about to make, before they make it, so an expression that would blow it
 * fails without allocating.
 */
export class OutputBudget {
  private used = 0;

  constructor(private readonly limit = MAX_OUTPUT_BYTES) {}

  /** Charges `chars` characters of new text; throws naming the budget when it is exceeded. */
  produce(chars: number): void {
    this.used += chars * BYTES_PER_CHAR;
    if (this.used > this.limit) {
      fail(`expressions would produce more than ${this.limit} bytes of text (the expression output budget); this one asked for ${chars * BYTES_PER_CHAR} more`);
    }
  }

  /** Characters that may still be produced. */
  remainingChars(): number {
    return Math.max(0, Math.floor((this.limit - this.used) / BYTES_PER_CHAR));
  }
}

/** Counts evaluation steps so that no expression can run for long, and the text it makes, whatever the data. */
export class Budget {
  private steps = 0;

  constructor(
    private readonly limit = MAX_EVALUATION_STEPS,
    readonly output = new OutputBudget(),
  ) {}

  spend(steps = 1): void {
    this.steps += steps;
    if (this.steps > this.limit) fail(`evaluation took more than ${this.limit} steps (the expression step budget)`);
  }

  produce(chars: number): void {
    this.output.produce(chars);
  }
}
