/** Literal text between expressions. */
interface TextPart {
  readonly kind: 'text';
  readonly text: string;
}

/** One complete `${...}`. */
export interface ExpressionPart {
  readonly kind: 'expression';
  /** The expression as written, `${` and `}` included. */
  readonly source: string;
  /** What lies between `${` and its matching `}`. */
  readonly body: string;
}

/** A `${` whose closing `}` never comes; `source` runs to the end of the string. */
export interface UnterminatedPart {
  readonly kind: 'unterminated';
  readonly source: string;
  /** 1-based column of the `${` in the whole string. */
  readonly column: number;
}

export type TemplatePart = TextPart | ExpressionPart | UnterminatedPart;

/** True when the string contains a `${`. */
export function hasExpression(text: string): boolean {
  return text.includes('${');
}

/**
 * Splits a string into literal text and `${...}` expressions. The end of an expression is the
 * first `}` outside quotes and outside nested braces, so `${trigger['x}']}` and
 * `${ {'a':1}['a'] }` are each one expression.
 */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const start = text.indexOf('${', cursor);
    if (start < 0) break;
    if (start > cursor) parts.push({ kind: 'text', text: text.slice(cursor, start) });
    const end = findClosingBrace(text, start + 2);
    if (end < 0) {
      parts.push({ kind: 'unterminated', source: text.slice(start), column: start + 1 });
      return parts;
    }
    parts.push({ kind: 'expression', source: text.slice(start, end + 1), body: text.slice(start + 2, end) });
    cursor = end + 1;
  }
  if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
  return parts;
}

/** Index of the `}` closing an expression whose body starts at `from`, or -1. */
function findClosingBrace(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      // A doubled quote inside a string is an escaped quote, not its end.
      if (c === quote) {
        if (text[i + 1] === quote) i++;
        else quote = undefined;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
