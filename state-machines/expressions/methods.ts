import { describeArity, fail } from './errors.js';
import type { Budget } from './limits.js';
import { compileUserPattern } from './regex.js';
import type { PlainMap, ValueKind } from './values.js';
import { checkName, deepEqual, describe, kindOf, readIndex, readOwn, toText } from './values.js';

/**
 * The methods expressions may call, implemented here with Java's meaning. Nothing is ever looked
 * up on a JavaScript prototype: a name missing from these tables is refused.
 */
interface MethodSpec<R> {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly call: (receiver: R, args: readonly unknown[], budget: Budget) => unknown;
}

function method<R>(minArgs: number, maxArgs: number, call: MethodSpec<R>['call']): MethodSpec<R> {
  return { minArgs, maxArgs, call };
}

/** A method that makes new text, charged to the text budget once made (its size is bounded by its receiver's). */
function producing<R>(minArgs: number, maxArgs: number, call: MethodSpec<R>['call']): MethodSpec<R> {
  return method<R>(minArgs, maxArgs, (receiver, args, budget) => {
    const text = call(receiver, args, budget) as string;
    budget.produce(text.length);
    return text;
  });
}

const STRING_METHODS: ReadonlyMap<string, MethodSpec<string>> = new Map([
  ['toString', method<string>(0, 0, (s) => s)],
  ['toLowerCase', producing<string>(0, 0, (s) => s.toLowerCase())],
  ['toUpperCase', producing<string>(0, 0, (s) => s.toUpperCase())],
  ['trim', producing<string>(0, 0, (s) => s.trim())],
  ['length', method<string>(0, 0, (s) => s.length)],
  ['isEmpty', method<string>(0, 0, (s) => s.length === 0)],
  ['startsWith', method<string>(1, 1, (s, args) => s.startsWith(stringArg('startsWith', args, 0)))],
  ['endsWith', method<string>(1, 1, (s, args) => s.endsWith(stringArg('endsWith', args, 0)))],
  ['contains', method<string>(1, 1, (s, args) => s.includes(stringArg('contains', args, 0)))],
  ['indexOf', method<string>(1, 2, (s, args) => s.indexOf(stringArg('indexOf', args, 0), optionalIntegerArg('indexOf', args, 1)))],
  ['equals', method<string>(1, 1, (s, args) => s === args[0])],
  ['equalsIgnoreCase', method<string>(1, 1, (s, args) => typeof args[0] === 'string' && s.toLowerCase() === args[0].toLowerCase())],
  ['substring', producing<string>(1, 2, substring)],
  // Java's replace(CharSequence, CharSequence): every occurrence, taken literally.
  ['replace', method<string>(2, 2, (s, args, budget) => replace(s, stringArg('replace', args, 0), stringArg('replace', args, 1), budget))],
  ['split', method<string>(1, 1, (s, args, budget) => split(s, stringArg('split', args, 0), budget))],
  ['matches', method<string>(1, 1, (s, args) => compileUserPattern(stringArg('matches', args, 0)).matchesWhole(s))],
  ['replaceAll', method<string>(2, 2, (s, args, budget) => patternReplace('replaceAll', s, args, budget))],
  ['replaceFirst', method<string>(2, 2, (s, args, budget) => patternReplace('replaceFirst', s, args, budget))],
]);

const LIST_METHODS: ReadonlyMap<string, MethodSpec<readonly unknown[]>> = new Map([
  ['size', method<readonly unknown[]>(0, 0, (list) => list.length)],
  ['isEmpty', method<readonly unknown[]>(0, 0, (list) => list.length === 0)],
  ['contains', method<readonly unknown[]>(1, 1, (list, args, budget) => list.some((item) => deepEqual(item, args[0], budget)))],
  ['get', method<readonly unknown[]>(1, 1, (list, args) => readIndex(list, args[0]))],
]);

const MAP_METHODS: ReadonlyMap<string, MethodSpec<PlainMap>> = new Map([
  ['size', method<PlainMap>(0, 0, (map) => Object.keys(map).length)],
  ['isEmpty', method<PlainMap>(0, 0, (map) => Object.keys(map).length === 0)],
  ['containsKey', method<PlainMap>(1, 1, (map, args) => typeof args[0] === 'string' && Object.hasOwn(map, args[0]))],
  ['get', method<PlainMap>(1, 1, (map, args) => readOwn(map, stringArg('get', args, 0)))],
  ['keySet', method<PlainMap>(0, 0, (map, _args, budget) => keysOf(map, budget))],
  ['values', method<PlainMap>(0, 0, (map, _args, budget) => keysOf(map, budget).map((key) => readOwn(map, key)))],
]);

/** Numbers and booleans only turn into text. */
const SCALAR_METHODS: ReadonlyMap<string, MethodSpec<unknown>> = new Map([['toString', producing<unknown>(0, 0, (value) => toText(value))]]);

/** Every method name callable on some kind of value: others are refused when parsing. */
export const METHOD_NAMES: ReadonlySet<string> = new Set(
  [STRING_METHODS, LIST_METHODS, MAP_METHODS, SCALAR_METHODS].flatMap((table) => [...table.keys()]).sort(),
);

/** Calls a whitelisted method on a non-null value. */
export function callMethod(receiver: unknown, name: string, args: readonly unknown[], budget: Budget): unknown {
  checkName(name);
  const kind = kindOf(receiver);
  const table = tableFor(kind) as ReadonlyMap<string, MethodSpec<unknown>> | undefined;
  if (table === undefined) return fail(`cannot call method '${name}' on ${describe(receiver)}`);
  const spec = table.get(name);
  if (spec === undefined) {
    const allowed = [...table.keys()].sort().join(', ');
    return fail(`method '${name}' is not allowed on a ${kind} (allowed: ${allowed})`);
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    fail(`${name}() takes ${describeArity(spec.minArgs, spec.maxArgs)}, got ${args.length}`);
  }
  return spec.call(receiver, args, budget);
}

/** The allowed-method list for messages refusing an unknown name at parse time. */
export function describeAllowedMethods(): string {
  return [...METHOD_NAMES].join(', ');
}

function tableFor(kind: ValueKind): ReadonlyMap<string, MethodSpec<never>> | undefined {
  switch (kind) {
    case 'string':
      return STRING_METHODS;
    case 'list':
      return LIST_METHODS;
    case 'map':
      return MAP_METHODS;
    case 'number':
    case 'boolean':
      return SCALAR_METHODS;
    default:
      return undefined;
  }
}

function stringArg(name: string, args: readonly unknown[], i: number): string {
  const value = args[i];
  if (typeof value !== 'string') fail(`${name}() needs a string as argument ${i + 1}, got ${describe(value)}`);
  return value;
}

function integerArg(name: string, args: readonly unknown[], i: number): number {
  const value = args[i];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(`${name}() needs an integer as argument ${i + 1}, got ${describe(value)}`);
  }
  return value;
}

function optionalIntegerArg(name: string, args: readonly unknown[], i: number): number | undefined {
  return args.length > i ? integerArg(name, args, i) : undefined;
}

/** Java's substring: out-of-range positions are an error, not clamped. */
function substring(s: string, args: readonly unknown[]): string {
  const begin = integerArg('substring', args, 0);
  const end = optionalIntegerArg('substring', args, 1) ?? s.length;
  if (begin < 0 || end > s.length || begin > end) {
    fail(`substring(${begin}, ${end}) is out of range for a string of length ${s.length}`);
  }
  return s.slice(begin, end);
}

/** Java's String.replace(target, replacement): sized exactly before it is made ('' matches between every character). */
function replace(s: string, target: string, replacement: string, budget: Budget): string {
  let occurrences = 0;
  if (target === '') occurrences = s.length + 1;
  else for (let at = s.indexOf(target); at !== -1; at = s.indexOf(target, at + target.length)) occurrences++;
  budget.spend(occurrences);
  budget.produce(s.length + occurrences * Math.max(0, replacement.length - target.length));
  return s.replaceAll(target, () => replacement);
}

/** replaceAll / replaceFirst with a user pattern: no larger than the budget left, then charged what it made. */
function patternReplace(name: 'replaceAll' | 'replaceFirst', s: string, args: readonly unknown[], budget: Budget): string {
  const pattern = compileUserPattern(stringArg(name, args, 0));
  const replacement = stringArg(name, args, 1);
  const text = pattern[name](s, replacement, budget.output.remainingChars());
  budget.produce(text.length);
  return text;
}

function keysOf(map: PlainMap, budget: Budget): string[] {
  const keys = Object.keys(map);
  budget.spend(keys.length);
  return keys;
}

/** Java's String.split(regex), each part counted against the budget. */
function split(s: string, separator: string, budget: Budget): string[] {
  const parts = compileUserPattern(separator).split(s);
  budget.spend(parts.length);
  return parts;
}
