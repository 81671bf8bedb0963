/**
 * The one place a pattern written by a pipeline author becomes something that runs: trigger
 * branch/tag/project patterns, payload and attribute constraints, and `matches`, `split`,
 * `replaceAll`/`replaceFirst` in expressions. Patterns run on RE2JS, a linear-time engine (no
 * backtracking), so no pattern and no text can make a function spin: the work is bounded by
 * pattern size × text length. RE2's syntax is Java's for everything pipelines use (classes,
 * `(?i)`, named groups, `\p{L}`); what it cannot run in linear time (back-references,
 * look-around, possessive quantifiers) is refused with the engine's reason, by validate before
 * deployment and here at run time.
 *
 * The engine (147 KB) is not loaded with this module: a Lambda that never meets a pattern should
 * not compile it at cold start. Its API is synchronous, so a function awaits `loadPatternEngine()`
 * before work that may run patterns (reading its pipelines, evaluating a config that names a
 * pattern operation: `needsPatternEngine`). Unbundled Node (the CLI, the CDK app, tests) has
 * node_modules and loads it on first use instead; a bundle that skipped the await fails loudly.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { ExpressionFault, fail } from './errors.js';
import { MAX_PATTERN_LENGTH, MAX_PATTERN_PROGRAM } from './limits.js';

/** A compiled user pattern with Java's meanings for the operations pipelines use. */
export interface UserPattern {
  readonly source: string;
  /** Java's `String.matches` / `Pattern.matches`: the whole text must match. */
  matchesWhole(text: string): boolean;
  /** Java's `Matcher.find` (Echo's payload constraints): some part of the text matches. */
  find(text: string): boolean;
  /** Java's `String.split(regex)`: trailing empty strings dropped, no leading empty for a zero-width match. */
  split(text: string): string[];
  /**
   * Java's `String.replaceAll(regex, replacement)`: `$1`, `${name}` and `\` escapes in the
   * replacement. With `maxChars`, fails before replacing when the result could be longer.
   */
  replaceAll(text: string, replacement: string, maxChars?: number): string;
  /** Java's `String.replaceFirst(regex, replacement)`. */
  replaceFirst(text: string, replacement: string, maxChars?: number): string;
}

const cache = new Map<string, UserPattern>();
const MAX_CACHED = 500;

let engine: typeof RE2JS | undefined;

/** Loads the pattern engine (once): await it before anything that may compile a user pattern. */
export async function loadPatternEngine(): Promise<void> {
  engine ??= (await import('re2js')).RE2JS;
}

/** The names through which an expression reaches a pattern: the `matches` operator and the pattern methods. */
const PATTERN_OPERATIONS = /\b(?:matches|split|replaceAll|replaceFirst)\b/;

/**
 * Whether evaluating `value` (its strings, at any depth) may compile a user pattern: it has an
 * expression naming a pattern operation. A superset (the word may sit in a string literal);
 * expressions cannot build a method name, so false means no pattern runs.
 */
export function needsPatternEngine(value: unknown): boolean {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.includes('${') && PATTERN_OPERATIONS.test(text);
}

/** Loads the engine when evaluating `value` may run a pattern (a function's config before evaluateAll). */
export async function loadPatternEngineFor(value: unknown): Promise<void> {
  if (engine === undefined && needsPatternEngine(value)) await loadPatternEngine();
}

function patternEngine(): typeof RE2JS {
  if (engine !== undefined) return engine;
  try {
    engine = (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  } catch (error) {
    throw new Error('the pattern engine is not loaded: await loadPatternEngine() before running patterns', { cause: error });
  }
  return engine;
}

/** Compiles a user pattern, or fails (ExpressionFault) saying why the engine cannot run it. */
export function compileUserPattern(pattern: string): UserPattern {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const compiled = compile(pattern);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** Why a pattern cannot be used (for validation), or undefined when it compiles. */
export function userPatternProblem(pattern: string): string | undefined {
  try {
    compileUserPattern(pattern);
    return undefined;
  } catch (error) {
    // Only the author's pattern is a problem; an engine that did not load is the function's.
    if (!(error instanceof ExpressionFault)) throw error;
    return error.reason;
  }
}

function compile(pattern: string): UserPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    fail(`pattern is too long (${pattern.length} characters, at most ${MAX_PATTERN_LENGTH})`);
  }
  const RE2 = patternEngine();
  let re: RE2JS;
  try {
    re = RE2.compile(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return fail(`invalid pattern '${pattern}' for the linear-time engine (RE2 syntax; no back-references or look-around): ${reason}`);
  }
  if (re.programSize() > MAX_PATTERN_PROGRAM) {
    fail(`pattern '${pattern}' is too large once expanded (${re.programSize()} instructions, at most ${MAX_PATTERN_PROGRAM})`);
  }
  return {
    source: pattern,
    matchesWhole: (text) => re.testExact(text),
    find: (text) => re.test(text),
    split: (text) => (text === '' ? [''] : re.split(text, 0)),
    replaceAll: (text, replacement, maxChars) => {
      if (maxChars !== undefined) checkReplacementSize(re, text, replacement, true, maxChars);
      return replacing(replacement, () => re.matcher(text).replaceAll(replacement, true));
    },
    replaceFirst: (text, replacement, maxChars) => {
      if (maxChars !== undefined) checkReplacementSize(re, text, replacement, false, maxChars);
      return replacing(replacement, () => re.matcher(text).replaceFirst(replacement, true));
    },
  };
}

/**
 * The longest a replacement's result can be, found in one linear pass over the matches: the text
 * outside the matches, plus per match the replacement's own characters and, for each `$` in it,
 * at most the match itself (a group lies inside its match).
 */
function checkReplacementSize(re: RE2JS, text: string, replacement: string, all: boolean, maxChars: number): void {
  const references = replacement.split('$').length - 1;
  const matcher = re.matcher(text);
  let matches = 0;
  let matched = 0;
  while (matcher.find()) {
    matches++;
    matched += matcher.end() - matcher.start();
    if (!all) break;
  }
  const bound = text.length - matched + matches * replacement.length + references * matched;
  if (bound > maxChars) {
    fail(`replacing ${matches} matches could make ${bound} characters, more than the ${maxChars} left in the expression output budget`);
  }
}

/** A replacement naming a group the pattern lacks is the author's error, not a crash. */
function replacing(replacement: string, run: () => string): string {
  try {
    return run();
  } catch (error) {
    return fail(`replacement '${replacement}' does not fit the pattern: ${error instanceof Error ? error.message : String(error)}`);
  }
}
