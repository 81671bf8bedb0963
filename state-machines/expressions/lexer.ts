import { fail } from './errors.js';

type TokenKind = 'number' | 'string' | 'identifier' | 'symbol' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (for strings: with quotes). */
  readonly text: string;
  /** 0-based offset in the expression body. */
  readonly offset: number;
  /** Decoded value of number and string literals. */
  readonly value?: number | string;
}

/**
 * Symbols, longest first so that `<=` wins over `<`. `.?[` and friends are SpEL's collection
 * selection and projection, recognised only to be refused clearly.
 */
const SYMBOLS = [
  '.?[',
  '.![',
  '.^[',
  '.$[',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '?:',
  '?.',
  '++',
  '--',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
  '<',
  '>',
  '=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  '?',
  ':',
  '#',
  '@',
  '&',
];

const IDENTIFIER_START = /[A-Za-z_$]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;
// Sticky, so that they match at a given offset without copying the rest of the body.
const HEX_NUMBER = /0[xX][0-9a-fA-F]+[lL]?/y;
const DECIMAL_NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[lLfFdD]?/y;

/** Splits an expression body into tokens; the last token is always `end`. */
export function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const token = readString(body, i, c);
      tokens.push(token);
      i += token.text.length;
    } else if (DIGIT.test(c)) {
      const token = readNumber(body, i);
      tokens.push(token);
      i += token.text.length;
    } else if (IDENTIFIER_START.test(c)) {
      let end = i + 1;
      while (end < body.length && IDENTIFIER_PART.test(body.charAt(end))) end++;
      tokens.push({ kind: 'identifier', text: body.slice(i, end), offset: i });
      i = end;
    } else {
      const symbol = SYMBOLS.find((s) => body.startsWith(s, i));
      if (symbol === undefined) fail(`unexpected character '${c}'`, i);
      tokens.push({ kind: 'symbol', text: symbol, offset: i });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'end', text: '', offset: body.length });
  return tokens;
}

/** A SpEL string: a doubled quote stands for one quote; there are no backslash escapes. */
function readString(body: string, start: number, quote: string): Token {
  let value = '';
  let i = start + 1;
  while (i < body.length) {
    const c = body.charAt(i);
    if (c === quote) {
      if (body.charAt(i + 1) !== quote) {
        return { kind: 'string', text: body.slice(start, i + 1), offset: start, value };
      }
      i++;
    }
    value += c;
    i++;
  }
  return fail('unterminated string literal', start);
}

/** Integers, decimals, exponents, hexadecimal, and Java's L/F/D suffixes. */
function readNumber(body: string, start: number): Token {
  HEX_NUMBER.lastIndex = start;
  const hex = HEX_NUMBER.exec(body);
  if (hex) {
    const digits = hex[0].replace(/[lL]$/, '').slice(2);
    return { kind: 'number', text: hex[0], offset: start, value: Number.parseInt(digits, 16) };
  }
  DECIMAL_NUMBER.lastIndex = start;
  const text = DECIMAL_NUMBER.exec(body)?.[0] ?? body.charAt(start);
  const value = Number(text.replace(/[lLfFdD]$/, ''));
  if (!Number.isFinite(value)) fail(`number '${text}' is out of range`, start);
  return { kind: 'number', text, offset: start, value };
}
