import { ExpressionFault, fail } from './errors.js';
import type { Budget, OutputBudget } from './limits.js';
import { MAX_VALUE_DEPTH } from './limits.js';

/**
 * Names that lead from data to JavaScript's machinery (prototypes, constructors, getters).
 * Refused everywhere a name is read, even where an own property of that name could exist.
 */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/** The kinds of value expressions work with: what JSON holds. */
export type ValueKind = 'null' | 'string' | 'number' | 'boolean' | 'list' | 'map' | 'unsupported';

export type PlainMap = Record<string, unknown>;

export function checkName(name: string, offset?: number): void {
  if (FORBIDDEN_NAMES.has(name)) fail(`access to '${name}' is not allowed`, offset);
}

/** A plain object (made by a literal or JSON.parse): the only objects whose properties are read. */
export function isMap(value: unknown): value is PlainMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function kindOf(value: unknown): ValueKind {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      if (Array.isArray(value)) return 'list';
      return isMap(value) ? 'map' : 'unsupported';
  }
}

/** "string 'abc'", "number 3", "list", "null": for error messages. */
export function describe(value: unknown): string {
  const kind = kindOf(value);
  switch (kind) {
    case 'string': {
      const text = value as string;
      return `string '${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;
    }
    case 'number':
    case 'boolean':
      return `${kind} ${String(value)}`;
    case 'unsupported':
      return 'unsupported value';
    default:
      return kind;
  }
}

/**
 * Reads an own data property of a plain map. A missing key is null, as for Spinnaker's maps;
 * getters are never run and functions never handed out.
 */
export function readOwn(map: PlainMap, key: string): unknown {
  checkName(key);
  const descriptor = Object.getOwnPropertyDescriptor(map, key);
  if (descriptor === undefined) return null;
  if (!('value' in descriptor)) fail(`property '${key}' is not a plain value`);
  return checkReadable(descriptor.value, key);
}

/** `object.name` */
export function readProperty(object: unknown, name: string): unknown {
  checkName(name);
  if (isMap(object)) return readOwn(object, name);
  const kind = kindOf(object);
  const hint = kind === 'list' ? ' (use [index] or size())' : kind === 'string' ? ' (use length())' : '';
  return fail(`cannot read property '${name}' of ${article(kind)}${hint}`);
}

/** `object[index]` on a map (key), a list or a string (0-based position). */
export function readIndex(object: unknown, index: unknown): unknown {
  if (isMap(object)) {
    if (typeof index === 'number' && Number.isInteger(index)) return readOwn(object, String(index));
    if (typeof index !== 'string') fail(`a map key must be a string, got ${describe(index)}`);
    return readOwn(object, index);
  }
  if (Array.isArray(object)) {
    const position = toPosition(index, object.length, 'list');
    return Object.hasOwn(object, position) ? checkReadable(object[position], `[${position}]`) : null;
  }
  if (typeof object === 'string') return object.charAt(toPosition(index, object.length, 'string'));
  return fail(`cannot index ${article(kindOf(object))}`);
}

/** Lists and strings take integer positions; like SpEL, a string of digits converts. */
function toPosition(index: unknown, size: number, of: 'list' | 'string'): number {
  const position = typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : index;
  if (typeof position !== 'number' || !Number.isInteger(position)) {
    fail(`a ${of} index must be an integer, got ${describe(index)}`);
  }
  if (position < 0 || position >= size) fail(`index ${position} is out of bounds for a ${of} of size ${size}`);
  return position;
}

/** Values read from data: undefined becomes null; functions and other non-JSON values are refused. */
function checkReadable(value: unknown, name: string): unknown {
  if (value === undefined) return null;
  if (typeof value === 'function') fail(`'${name}' is a function, which expressions cannot use`);
  if (typeof value === 'symbol' || typeof value === 'bigint') fail(`'${name}' holds an unsupported value`);
  return value;
}

/** Equality by value, deep for lists and maps. */
export function deepEqual(a: unknown, b: unknown, budget: Budget, depth = 0): boolean {
  budget.spend();
  if (depth > MAX_VALUE_DEPTH) fail('values are nested too deeply to compare');
  if (a === b || (a ?? null) === (b ?? null)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i], budget, depth + 1));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key], budget, depth + 1));
  }
  return false;
}

/** Ordering for `<`, `>`, `<=`, `>=`: numbers, strings, booleans; null sorts first (as in SpEL). */
export function compare(a: unknown, b: unknown): number {
  const left = a ?? null;
  const right = b ?? null;
  if (left === null || right === null) return left === right ? 0 : left === null ? -1 : 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  return fail(`cannot compare ${describe(left)} with ${describe(right)}`);
}

/** Booleans, and the strings 'true' and 'false' which SpEL converts. */
export function asBoolean(value: unknown, role: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return fail(`${role} needs a boolean, got ${describe(value)}`);
}

/** Text of a value interpolated into a string: null is empty; a list or map becomes JSON, charged to `output` as it is written. */
export function toText(value: unknown, output?: OutputBudget): string {
  switch (kindOf(value)) {
    case 'null':
      return '';
    case 'string':
      return value as string;
    case 'number':
    case 'boolean':
      return String(value);
    case 'list':
    case 'map':
      return toJson(value, output);
    default:
      return fail('cannot turn an unsupported value into text');
  }
}

/** Text of a value joined to a string with `+`: as in Java, null is 'null'. */
export function toConcatText(value: unknown, output?: OutputBudget): string {
  return value === null || value === undefined ? 'null' : toText(value, output);
}

/**
 * JSON text of a value. With `output`, every key and value is charged as JSON.stringify visits it,
 * before the text is joined: a list holding the same large string a thousand times fails on the
 * budget instead of being written out.
 */
export function toJson(value: unknown, output?: OutputBudget): string {
  const charge =
    output &&
    function (this: unknown, key: string, item: unknown): unknown {
      // Quotes, colon and comma: a few characters per entry, counted generously.
      output.produce(key.length + 4 + (typeof item === 'string' ? item.length + 2 : typeof item === 'number' || typeof item === 'boolean' ? 24 : 2));
      return item;
    };
  try {
    return JSON.stringify(value, charge) ?? 'null';
  } catch (error) {
    if (error instanceof ExpressionFault) throw error;
    return fail(`cannot convert the value to JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function article(kind: ValueKind): string {
  switch (kind) {
    case 'null':
      return 'null';
    case 'unsupported':
      return 'an unsupported value';
    default:
      return `a ${kind}`;
  }
}
