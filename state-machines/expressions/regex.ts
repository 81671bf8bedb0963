import { fail } from './errors.js';
import { MAX_PATTERN_LENGTH } from './limits.js';

/**
 * Compiles a pattern written by a pipeline author (for `matches` and `split`), refusing those
 * that could make the regular expression engine backtrack for ever: overlong patterns,
 * back-references, and repeated groups such as `(a+)+` whose inner repetitions can split the
 * same text in many ways. Java's leading `(?i)` becomes the `i` flag.
 */
export function compileSafePattern(pattern: string, options: { whole?: boolean; global?: boolean } = {}): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    fail(`pattern is too long (${pattern.length} characters, at most ${MAX_PATTERN_LENGTH})`);
  }
  const caseInsensitive = pattern.startsWith('(?i)');
  const source = caseInsensitive ? pattern.slice(4) : pattern;
  const unsafe = findUnsafeConstruct(source);
  if (unsafe !== undefined) fail(`unsafe pattern '${pattern}': ${unsafe}`);
  const flags = `${caseInsensitive ? 'i' : ''}${options.global ? 'g' : ''}`;
  try {
    return new RegExp(options.whole ? `^(?:${source})$` : source, flags);
  } catch (error) {
    return fail(`invalid pattern '${pattern}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What a scan learns about one group (the whole pattern is the outermost group). */
interface GroupScan {
  readonly start: number;
  /** Sources of the atoms repeated inside the group (`a` in `a+`, `(ab)` in `(ab)*`). */
  readonly repeated: string[];
  /** Characters every match of the group must contain, outside any repetition. */
  readonly literals: string[];
  alternation: boolean;
}

/**
 * A repeated group holding a repetition is safe only when each round must consume a literal
 * character that the inner repetitions cannot: `(\.\d+)*` is fine, `(a+)+`, `(\w+\s?)*` and
 * `(.+,)+` are not. Returns why a pattern is unsafe, or undefined.
 */
function findUnsafeConstruct(pattern: string): string | undefined {
  const groups: GroupScan[] = [newGroup(0)];
  let i = 0;
  while (i < pattern.length) {
    const current = groups.at(-1);
    if (current === undefined) return undefined; // unbalanced ')': RegExp reports it
    const c = pattern.charAt(i);
    if (c === '(') {
      groups.push(newGroup(i));
      i = skipGroupPrefix(pattern, i + 1);
      continue;
    }
    if (c === '|') {
      current.alternation = true;
      i++;
      continue;
    }
    if (c === ')') {
      groups.pop();
      const parent = groups.at(-1);
      if (parent === undefined) return undefined;
      const source = pattern.slice(current.start, i + 1);
      const quantifier = readQuantifier(pattern, i + 1);
      if (quantifier.repeats && current.repeated.length > 0 && !hasSeparator(current)) {
        return `the repeated group '${source}' contains a repetition that can match the same text`;
      }
      if (quantifier.repeats) parent.repeated.push(source);
      else parent.repeated.push(...current.repeated);
      if (quantifier.length === 0 && !current.alternation) parent.literals.push(...current.literals);
      i += 1 + quantifier.length;
      continue;
    }
    const atom = readAtom(pattern, i);
    if (atom.backReference) return 'back-references are not allowed';
    const quantifier = readQuantifier(pattern, i + atom.source.length);
    if (quantifier.repeats) current.repeated.push(atom.source);
    else if (quantifier.length === 0 && atom.literal !== undefined) current.literals.push(atom.literal);
    i += atom.source.length + quantifier.length;
  }
  return undefined;
}

function newGroup(start: number): GroupScan {
  return { start, repeated: [], literals: [], alternation: false };
}

function hasSeparator(group: GroupScan): boolean {
  if (group.alternation) return false;
  return group.literals.some((literal) => group.repeated.every((atom) => !canMatch(atom, literal)));
}

/** Whether a repeated atom can match a character (case-insensitively, to be safe). */
function canMatch(atom: string, character: string): boolean {
  try {
    return new RegExp(`^(?:${atom})+$`, 'i').test(character);
  } catch {
    return true;
  }
}

/** Skips `?:`, `?=`, `?!`, `?<=`, `?<!` and `?<name>` after an opening parenthesis. */
function skipGroupPrefix(pattern: string, i: number): number {
  if (pattern.charAt(i) !== '?') return i;
  const named = /^\?<[A-Za-z_$][\w$]*>/.exec(pattern.slice(i, i + 40));
  if (named) return i + named[0].length;
  const prefix = ['?<=', '?<!', '?:', '?=', '?!'].find((p) => pattern.startsWith(p, i));
  return i + (prefix?.length ?? 1);
}

interface Atom {
  readonly source: string;
  /** The one character the atom stands for, when it is a plain literal. */
  readonly literal?: string;
  readonly backReference?: boolean;
}

function readAtom(pattern: string, i: number): Atom {
  const c = pattern.charAt(i);
  if (c === '\\') {
    const next = pattern.charAt(i + 1);
    if (/[1-9k]/.test(next)) return { source: pattern.slice(i, i + 2), backReference: true };
    const source = pattern.slice(i, i + 2);
    return /[^A-Za-z0-9]/.test(next) && next !== '' ? { source, literal: next } : { source };
  }
  if (c === '[') return { source: pattern.slice(i, skipCharacterClass(pattern, i)) };
  if (c === '.' || c === '^' || c === '$') return { source: c };
  return { source: c, literal: c };
}

interface Quantifier {
  /** Characters taken by the quantifier, 0 when there is none. */
  readonly length: number;
  /** `*`, `+`, `{n,}` or `{n,m}`: the atom may match many times. `?` and `{n}` do not count. */
  readonly repeats: boolean;
}

function readQuantifier(pattern: string, i: number): Quantifier {
  const c = pattern.charAt(i);
  let length = 0;
  let repeats = false;
  if (c === '*' || c === '+') {
    length = 1;
    repeats = true;
  } else if (c === '?') {
    length = 1;
  } else if (c === '{') {
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(i, i + 24));
    if (match) {
      length = match[0].length;
      repeats = match[2] === ',' && match[3] !== '0' && match[3] !== '1';
    }
  }
  // Lazy `?` (and Java's possessive `+`, which RegExp then rejects) belong to the quantifier.
  if (length > 0 && (pattern.charAt(i + length) === '?' || pattern.charAt(i + length) === '+')) length++;
  return { length, repeats };
}

/** Index just after the `]` closing the class opened at `start`. */
function skipCharacterClass(pattern: string, start: number): number {
  let i = start + 1;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === '\\') i += 2;
    else if (c === ']') return i + 1;
    else i++;
  }
  return i;
}
