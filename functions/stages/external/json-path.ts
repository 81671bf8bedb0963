/**
 * A small, safe JSONPath for reading statuses out of responses (statusJsonPath, progressJsonPath,
 * statusUrlJsonPath), with Jayway's reading of paths as Spinnaker uses them:
 *   $.status   status   $.a.b[0].c   $['a b']["c"]   $.items[-1]   $.items[*].state   $..state
 * A leading `$` is optional (Spinnaker examples write `fields.status.name`). Filters, slices,
 * unions and script expressions are refused at parse time. Only own properties are read, so a path
 * can never reach a prototype. Pure.
 */
import { JsonPathSyntaxError } from './errors.js';

type JsonPathSegment =
  | { readonly kind: 'property'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'descendants'; readonly name: string | undefined };

export interface CompiledJsonPath {
  readonly source: string;
  readonly segments: readonly JsonPathSegment[];
  /** A definite path names at most one value; wildcards and `..` make it a list. */
  readonly definite: boolean;
}

const MAX_PATH_LENGTH = 512;
const MAX_MATCHES = 10_000;

export function compileJsonPath(source: string): CompiledJsonPath {
  if (typeof source !== 'string' || source.trim() === '') throw new JsonPathSyntaxError('JSONPath: empty path');
  if (source.length > MAX_PATH_LENGTH) throw new JsonPathSyntaxError(`JSONPath: longer than ${MAX_PATH_LENGTH} characters`);
  const text = source.trim();
  const segments: JsonPathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new JsonPathSyntaxError(`JSONPath ${JSON.stringify(source)}: ${why} at position ${i}`);
  };
  const readName = (): string => {
    const match = /^[^.[\]\s]+/.exec(text.slice(i));
    if (!match) return fail('expected a property name');
    i += match[0].length;
    return match[0];
  };

  if (text[0] === '$') i = 1;
  else if (text[0] !== '.' && text[0] !== '[') segments.push({ kind: 'property', name: readName() });

  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      if (text[i + 1] === '.') {
        i += 2;
        if (text[i] === '*') {
          i += 1;
          segments.push({ kind: 'descendants', name: undefined });
        } else if (text[i] === '[') {
          segments.push({ kind: 'descendants', name: undefined });
        } else segments.push({ kind: 'descendants', name: readName() });
        continue;
      }
      i += 1;
      if (text[i] === '*') {
        i += 1;
        segments.push({ kind: 'wildcard' });
      } else segments.push({ kind: 'property', name: readName() });
    } else if (c === '[') {
      const close = findClose(text, i);
      if (close < 0) fail("unclosed '['");
      const inner = text.slice(i + 1, close).trim();
      segments.push(bracketSegment(inner, fail));
      i = close + 1;
    } else fail(`unexpected ${JSON.stringify(c)}`);
  }
  const definite = segments.every((s) => s.kind === 'property' || s.kind === 'index');
  return { source, segments, definite };
}

function findClose(text: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return j;
  }
  return -1;
}

function bracketSegment(inner: string, fail: (why: string) => never): JsonPathSegment {
  if (inner === '*') return { kind: 'wildcard' };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const quoted = /^(['"])((?:\\.|(?!\1).)*)\1$/.exec(inner);
  if (quoted) return { kind: 'property', name: quoted[2]!.replace(/\\(.)/g, '$1') };
  if (inner.startsWith('?') || inner.startsWith('(')) return fail('filter and script expressions are not supported');
  if (inner.includes(':')) return fail('array slices are not supported');
  if (inner.includes(',')) return fail('unions are not supported');
  return fail(`cannot read [${inner}]`);
}

/** Every value the path selects, in document order. */
export function selectJsonPath(document: unknown, path: string | CompiledJsonPath): unknown[] {
  const compiled = typeof path === 'string' ? compileJsonPath(path) : path;
  let current: unknown[] = [document];
  for (const segment of compiled.segments) {
    const next: unknown[] = [];
    for (const value of current) step(value, segment, next);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

export type JsonPathRead = { readonly found: true; readonly value: unknown } | { readonly found: false };

/**
 * Jayway's read: a definite path gives its value (not found when a step is missing); an indefinite
 * one gives the list of matches (always found, maybe empty).
 */
export function readJsonPath(document: unknown, path: string | CompiledJsonPath): JsonPathRead {
  const compiled = typeof path === 'string' ? compileJsonPath(path) : path;
  const matches = selectJsonPath(document, compiled);
  if (!compiled.definite) return { found: true, value: matches };
  return matches.length > 0 ? { found: true, value: matches[0] } : { found: false };
}

function step(value: unknown, segment: JsonPathSegment, out: unknown[]): void {
  switch (segment.kind) {
    case 'property':
      if (isObject(value) && Object.hasOwn(value, segment.name)) out.push(value[segment.name]);
      return;
    case 'index':
      if (Array.isArray(value)) {
        const index = segment.index < 0 ? value.length + segment.index : segment.index;
        if (index >= 0 && index < value.length) out.push(value[index]);
      }
      return;
    case 'wildcard':
      if (Array.isArray(value)) out.push(...(value as unknown[]));
      else if (isObject(value)) out.push(...Object.values(value));
      return;
    case 'descendants':
      descend(value, segment.name, out, 0);
      return;
  }
}

function descend(value: unknown, name: string | undefined, out: unknown[], depth: number): void {
  if (depth > 64 || out.length >= MAX_MATCHES) return;
  const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  if (name === undefined) {
    for (const child of children) {
      out.push(child);
      descend(child, name, out, depth + 1);
    }
    return;
  }
  if (isObject(value) && Object.hasOwn(value, name)) out.push(value[name]);
  for (const child of children) descend(child, name, out, depth + 1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
