import { describe, expect, it } from 'vitest';
import { ExpressionFault } from '../../../../state-machines/expressions/errors.js';
import { tokenize } from '../../../../state-machines/expressions/lexer.js';
import { parse } from '../../../../state-machines/expressions/parser.js';

function faultOf(body: string): { reason: string; offset: number | undefined } {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof ExpressionFault) return { reason: error.reason, offset: error.offset };
    throw error;
  }
  throw new Error(`expected ${body} not to parse`);
}

describe('tokenize', () => {
  it('GIVEN an expression WHEN tokenized THEN tokens carry kinds, values and offsets', () => {
    expect(tokenize("a?.b >= 'x''y' 1.5")).toEqual([
      { kind: 'identifier', text: 'a', offset: 0 },
      { kind: 'symbol', text: '?.', offset: 1 },
      { kind: 'identifier', text: 'b', offset: 3 },
      { kind: 'symbol', text: '>=', offset: 5 },
      { kind: 'string', text: "'x''y'", offset: 8, value: "x'y" },
      { kind: 'number', text: '1.5', offset: 15, value: 1.5 },
      { kind: 'end', text: '', offset: 18 },
    ]);
  });

  it('GIVEN a list index followed by a property WHEN tokenized THEN the dot is not read as a decimal point', () => {
    expect(tokenize('a[0].b').map((t) => t.text)).toEqual(['a', '[', '0', ']', '.', 'b', '']);
  });
});

describe('parse', () => {
  it('GIVEN SpEL precedence WHEN parsed THEN * binds tighter than +, and tighter than comparison, than and, than or', () => {
    expect(parse('a or b and c == 1 + 2 * 3')).toEqual({
      kind: 'binary',
      offset: 2,
      operator: '||',
      left: { kind: 'identifier', offset: 0, name: 'a' },
      right: {
        kind: 'binary',
        offset: 7,
        operator: '&&',
        left: { kind: 'identifier', offset: 5, name: 'b' },
        right: {
          kind: 'binary',
          offset: 13,
          operator: '==',
          left: { kind: 'identifier', offset: 11, name: 'c' },
          right: {
            kind: 'binary',
            offset: 18,
            operator: '+',
            left: { kind: 'literal', offset: 16, value: 1 },
            right: {
              kind: 'binary',
              offset: 22,
              operator: '*',
              left: { kind: 'literal', offset: 20, value: 2 },
              right: { kind: 'literal', offset: 24, value: 3 },
            },
          },
        },
      },
    });
  });

  it('GIVEN a chain WHEN parsed THEN links nest left to right and keep their safety', () => {
    expect(parse("t?.p['k'].get(1)")).toEqual({
      kind: 'method',
      offset: 10,
      name: 'get',
      safe: false,
      args: [{ kind: 'literal', offset: 14, value: 1 }],
      object: {
        kind: 'index',
        offset: 4,
        safe: false,
        index: { kind: 'literal', offset: 5, value: 'k' },
        object: {
          kind: 'property',
          offset: 3,
          name: 'p',
          safe: true,
          object: { kind: 'identifier', offset: 0, name: 't' },
        },
      },
    });
  });

  it('GIVEN ternary and elvis WHEN parsed THEN they have the lowest precedence', () => {
    expect(parse('a ?: b ? 1 : 2')).toMatchObject({
      kind: 'elvis',
      value: { kind: 'identifier', name: 'a' },
      fallback: { kind: 'conditional', test: { name: 'b' } },
    });
  });

  it('GIVEN word operators in any case WHEN parsed THEN they map to symbols', () => {
    expect(parse('a EQ b')).toMatchObject({ kind: 'binary', operator: '==' });
    expect(parse('not a')).toMatchObject({ kind: 'unary', operator: '!' });
    expect(parse('a Div b')).toMatchObject({ kind: 'binary', operator: '/' });
  });

  it('GIVEN a keyword used as a property name WHEN parsed THEN it is a property', () => {
    expect(parse('a.and.not')).toMatchObject({ kind: 'property', name: 'not', object: { kind: 'property', name: 'and' } });
  });

  it.each<[string, string, number]>([
    ['a + )', "unexpected token ')'", 4],
    ['(a', "expected ')' but found the end of the expression", 2],
    ['a.', 'expected a property or method name, found the end of the expression', 2],
    ['a.1', "expected a property or method name, found '1'", 2],
    ["'open", 'unterminated string literal', 0],
    ['a ~ b', "unexpected character '~'", 2],
    ['a ++', 'increment and decrement are not allowed', 2],
    ['a between {1, 2}', "operator 'between' is not supported", 2],
    ['{1: }', "unexpected token '}'", 4],
    ['{a.b: 1}', 'a map key must be a name or a literal', 3],
    [
      'a.m()',
      "method 'm' is not allowed (allowed: contains, containsKey, endsWith, equals, equalsIgnoreCase, get, indexOf, isEmpty, keySet, length, matches, replace, replaceAll, replaceFirst, size, split, startsWith, substring, toLowerCase, toString, toUpperCase, trim, values)",
      2,
    ],
    ['#', "expected a function name after '#', found the end of the expression", 1],
    ['#toJson(1, 2)', '#toJson() takes 1 argument, got 2', 0],
    ['', 'empty expression', 0],
  ])('GIVEN %j WHEN parsed THEN it fails with %j at offset %i', (body, reason, offset) => {
    expect(faultOf(body)).toEqual({ reason, offset });
  });
});
