import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateStrict } from '../../../../state-machines/expressions/index.js';
import { sampleContext } from './context.js';

const ctx = sampleContext();
const evaluate = (text: string): unknown => evaluateStrict(text, ctx);

describe('literals', () => {
  it.each<[string, unknown]>([
    ["${'single'}", 'single'],
    ["${'it''s'}", "it's"],
    ['${"double"}', 'double'],
    ['${"say ""hi"""}', 'say "hi"'],
    ["${'no \\n escapes'}", 'no \\n escapes'],
    ['${42}', 42],
    ['${3.25}', 3.25],
    ['${1e3}', 1000],
    ['${10L}', 10],
    ['${0x1F}', 31],
    ['${true}', true],
    ['${FALSE}', false],
    ['${null}', null],
    ["${''}", ''],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it('GIVEN inline lists and maps WHEN evaluated THEN they become arrays and objects', () => {
    expect(evaluate('${{1, 2, 3}}')).toEqual([1, 2, 3]);
    expect(evaluate('${{}}')).toEqual([]);
    expect(evaluate("${{'a': 1, b: 'two'}}")).toEqual({ a: 1, b: 'two' });
    expect(evaluate('${{:}}')).toEqual({});
    expect(evaluate("${ {'a':1}['a'] }")).toBe(1);
  });
});

describe('arithmetic', () => {
  it.each<[string, unknown]>([
    ['${1 + 2}', 3],
    ['${1 + 2 * 3}', 7],
    ['${(1 + 2) * 3}', 9],
    ['${10 - 4 - 3}', 3],
    ['${7 / 2}', 3.5],
    ['${7 div 2}', 3.5],
    ['${7 % 3}', 1],
    ['${7 mod 3}', 1],
    ['${2 ^ 10}', 1024],
    ['${-5 + 2}', -3],
    ['${- -5}', 5],
    ['${+5}', 5],
    ['${2 * -3}', -6],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ["${'a' + 'b'}", 'ab'],
    ["${'n=' + 1}", 'n=1'],
    ["${1 + 'x'}", '1x'],
    ["${'v' + true}", 'vtrue'],
    ["${'x' + null}", 'xnull'],
    ["${'list ' + {1,2}}", 'list [1,2]'],
    ['${trigger.user + "@example.com"}', 'ana@example.com'],
  ])('GIVEN string concatenation %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ["${1 - 'a'}", "operator '-' needs numbers, got string 'a' at column 7"],
    ['${true + 1}', "operator '+' cannot be applied to boolean true and number 1"],
    ['${1 / 0}', 'division by zero'],
    ['${1 % 0}', 'division by zero'],
    ['${10 ^ 400}', 'arithmetic result is not a finite number'],
    ["${-'a'}", "operator '-' needs numbers"],
  ])('GIVEN %s WHEN evaluated THEN it fails with %j', (text, message) => {
    expect(() => evaluate(text)).toThrow(ExpressionError);
    expect(() => evaluate(text)).toThrow(message);
  });
});

describe('comparison', () => {
  it.each<[string, boolean]>([
    ['${1 == 1}', true],
    ['${1 == 1.0}', true],
    ["${'a' == 'a'}", true],
    ["${'1' == 1}", false],
    ['${null == null}', true],
    ['${trigger.missing == null}', true],
    ['${{1, {2, 3}} == {1, {2, 3}}}', true],
    ["${{'a': {1}} == {'a': {1}}}", true],
    ["${{'a': 1} == {'a': 2}}", false],
    ['${1 != 2}', true],
    ['${1 eq 1}', true],
    ['${1 ne 1}', false],
    ['${1 < 2}', true],
    ['${2 lt 1}', false],
    ['${2 > 1}', true],
    ['${2 gt 3}', false],
    ['${2 <= 2}', true],
    ['${3 le 2}', false],
    ['${2 >= 3}', false],
    ['${3 GE 3}', true],
    ["${'apple' < 'banana'}", true],
    ['${false < true}', true],
    ['${null < 1}', true],
    ["${'release-1.2' matches 'release-\\d+\\.\\d+'}", true],
    ["${'release-1.2x' matches 'release-\\d+\\.\\d+'}", false],
  ])('GIVEN %s WHEN evaluated THEN it is %s', (text, expected) => {
    expect(evaluate(text)).toBe(expected);
  });

  it('GIVEN values of different kinds WHEN ordered THEN it fails naming both', () => {
    expect(() => evaluate("${1 < 'a'}")).toThrow("cannot compare number 1 with string 'a'");
  });

  it('GIVEN a chained comparison WHEN parsed THEN it is refused as in SpEL', () => {
    expect(() => evaluate('${1 < 2 < 3}')).toThrow("unexpected token '<'");
  });
});

describe('logic', () => {
  it.each<[string, unknown]>([
    ['${true && false}', false],
    ['${true and true}', true],
    ['${false || true}', true],
    ['${false or false}', false],
    ['${!true}', false],
    ['${not false}', true],
    ['${NOT false AND true}', true],
    ["${'TRUE' and 'false'}", false],
    ['${true or 1 / 0 == 1}', true],
    ['${false and 1 / 0 == 1}', false],
    ['${1 < 2 && 2 < 3 || false}', true],
    ["${true ? 'yes' : 'no'}", 'yes'],
    ["${false ? 'yes' : 'no'}", 'no'],
    ["${1 > 2 ? 'a' : 2 > 1 ? 'b' : 'c'}", 'b'],
    ["${null ?: 'fallback'}", 'fallback'],
    ["${'' ?: 'fallback'}", 'fallback'],
    ["${'set' ?: 'fallback'}", 'set'],
    ["${trigger.missing ?: 'default'}", 'default'],
    ['${0 ?: 5}', 0],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toBe(expected);
  });

  it('GIVEN a non-boolean operand WHEN combined THEN it fails saying a boolean was needed', () => {
    expect(() => evaluate('${1 and true}')).toThrow("operator 'and' needs a boolean, got number 1 at column 3");
    expect(() => evaluate("${!'maybe'}")).toThrow("operator '!' needs a boolean, got string 'maybe'");
    expect(() => evaluate("${null ? 'a' : 'b'}")).toThrow("the condition of '?' needs a boolean, got null");
  });
});
