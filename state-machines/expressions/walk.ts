import { MAX_VALUE_DEPTH } from './limits.js';
import { isMap } from './values.js';

/** Called for a value nested deeper than the walk goes (or circular). */
export type TooDeep = (path: string) => void;

/** Calls `visit` with every string inside `value` and its JSON path. */
export function visitStrings(value: unknown, path: string, visit: (text: string, path: string) => void, tooDeep: TooDeep, depth = 0): void {
  if (typeof value === 'string') {
    visit(value, path);
  } else if (depth >= MAX_VALUE_DEPTH) {
    if (typeof value === 'object' && value !== null) tooDeep(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => visitStrings(item, `${path}[${i}]`, visit, tooDeep, depth + 1));
  } else if (isMap(value)) {
    for (const key of Object.keys(value)) {
      visitStrings(value[key], childPath(path, key), visit, tooDeep, depth + 1);
    }
  }
}

/** A copy of `value` with every string replaced by `transform(string)`; keys are left alone. */
export function mapStrings(value: unknown, transform: (text: string) => unknown, tooDeep: TooDeep, path = '$', depth = 0): unknown {
  if (typeof value === 'string') return transform(value);
  if (depth >= MAX_VALUE_DEPTH) {
    if (typeof value === 'object' && value !== null) tooDeep(path);
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => mapStrings(item, transform, tooDeep, `${path}[${i}]`, depth + 1));
  }
  if (isMap(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = mapStrings(value[key], transform, tooDeep, childPath(path, key), depth + 1);
      // defineProperty, so that a key named __proto__ stays an ordinary key.
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

/** `$.a.b` for identifier-like keys, `$["a b"]` otherwise. */
function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
