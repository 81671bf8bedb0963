/**
 * The one place a pattern written by a pipeline author becomes something that runs: trigger
 * branch/tag/project patterns, payload and attribute constraints, and `matches`, `split`,
 * `replaceAll`/`replaceFirst` in expressions. Patterns run on RE2JS, a linear-time engine (no
 * backtracking), so no pattern and no text can make a function spin: the work is bounded by
 * pattern size × text length. RE2's syntax is Java's for everything pipelines use (classes,
 * `(?i)`, named groups, `\p{L}`); what it cannot run in linear time (back-references,
 * look-around, possessive quantifiers) is refused with the engine's reason, by validate before
 * deployment and here at run time.
 */
import { RE2JS } from 're2js';
import { fail } from './errors.js';
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
    return error instanceof Error ? ((error as { reason?: string }).reason ?? error.message) : String(error);
  }
}

function compile(pattern: string): UserPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    fail(`pattern is too long (${pattern.length} characters, at most ${MAX_PATTERN_LENGTH})`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
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
