import { describe, expect, it } from 'vitest';
import { evaluateStrict } from '../../../../state-machines/expressions/index.js';
import { sampleContext } from './context.js';

const ctx = sampleContext();
const evaluate = (text: string): unknown => evaluateStrict(text, ctx);

describe('string methods', () => {
  it.each<[string, unknown]>([
    ['${trigger.user.toString()}', 'ana'],
    ["${'MiXeD'.toLowerCase()}", 'mixed'],
    ["${'MiXeD'.toUpperCase()}", 'MIXED'],
    ["${'release-1'.startsWith('release')}", true],
    ["${'release-1'.endsWith('-2')}", false],
    ["${'us-east-1'.contains('east')}", true],
    ["${'abcdef'.substring(2)}", 'cdef'],
    ["${'abcdef'.substring(1, 3)}", 'bc'],
    ["${'a.b.c'.replace('.', '-')}", 'a-b-c'],
    ["${'a$b'.replace('$', '$&')}", 'a$&b'],
    ["${'  padded  '.trim()}", 'padded'],
    ["${'a,b,c'.split(',')}", ['a', 'b', 'c']],
    ["${'a,b,,'.split(',')}", ['a', 'b']],
    ["${',a'.split(',')}", ['', 'a']],
    ["${'a1b22c'.split('\\d+')}", ['a', 'b', 'c']],
    ["${'abc'.split('')}", ['a', 'b', 'c']],
    ["${''.split(',')}", ['']],
    ["${'a.b'.split('.')}", []],
    ["${'hello'.length()}", 5],
    ["${''.isEmpty()}", true],
    ["${'x'.isEmpty()}", false],
    ["${'prod'.equals(parameters.env)}", true],
    ["${'prod'.equals(1)}", false],
    ["${'PROD'.equalsIgnoreCase('prod')}", true],
    ["${'PROD'.equalsIgnoreCase(null)}", false],
    ["${'banana'.indexOf('an')}", 1],
    ["${'banana'.indexOf('an', 2)}", 3],
    ["${'banana'.indexOf('x')}", -1],
    ["${'v1.2.3'.matches('v\\d+(\\.\\d+)*')}", true],
    ["${'v1.2.3-rc'.matches('v\\d+(\\.\\d+)*')}", false],
    ["${'PROD'.matches('(?i)prod')}", true],
    ['${(42).toString()}', '42'],
    ['${true.toString()}', 'true'],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["${'abc'.substring(2, 9)}", 'substring(2, 9) is out of range for a string of length 3'],
    ["${'abc'.substring('1')}", "substring() needs an integer as argument 1, got string '1'"],
    ["${'abc'.contains(1)}", 'contains() needs a string as argument 1, got number 1'],
    ["${'abc'.trim(1)}", 'trim() takes 0 arguments, got 1'],
    [
      "${'abc'.size()}",
      "method 'size' is not allowed on a string (allowed: contains, endsWith, equals, equalsIgnoreCase, indexOf, isEmpty, length, matches, replace, replaceAll, replaceFirst, split, startsWith, substring, toLowerCase, toString, toUpperCase, trim)",
    ],
    ["${'abc'.matches('[')}", "invalid pattern '['"],
  ])('GIVEN %s WHEN evaluated THEN it fails with %j', (text, message) => {
    expect(() => evaluate(text)).toThrow(message);
  });
});

describe('list methods', () => {
  it.each<[string, unknown]>([
    ['${execution.stages.size()}', 4],
    ['${{}.isEmpty()}', true],
    ["${{'a', 'b'}.contains('b')}", true],
    ['${{{1, 2}}.contains({1, 2})}', true],
    ["${{'a'}.contains('z')}", false],
    ['${execution.stages.get(1).name}', 'Approve'],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it('GIVEN a list WHEN a map or string method is called THEN it is refused naming the allowed ones', () => {
    expect(() => evaluate('${{1}.keySet()}')).toThrow("method 'keySet' is not allowed on a list (allowed: contains, get, isEmpty, size)");
    expect(() => evaluate('${{1}.get(5)}')).toThrow('index 5 is out of bounds for a list of size 1');
  });
});

describe('map methods', () => {
  it.each<[string, unknown]>([
    ['${trigger.parameters.size()}', 3],
    ['${{:}.isEmpty()}', true],
    ["${trigger.parameters.containsKey('env')}", true],
    ["${trigger.parameters.containsKey('nope')}", false],
    ["${trigger.parameters.containsKey('constructor')}", false],
    ["${trigger.parameters.get('env')}", 'prod'],
    ["${trigger.parameters.get('nope')}", null],
    ['${trigger.parameters.keySet()}', ['env', 'replicas', 'region']],
    ["${{'a': 1, 'b': 2}.values()}", [1, 2]],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it('GIVEN a map WHEN a list method is called THEN it is refused naming the allowed ones', () => {
    expect(() => evaluate('${trigger.contains(1)}')).toThrow(
      "method 'contains' is not allowed on a map (allowed: containsKey, get, isEmpty, keySet, size, values)",
    );
  });
});

describe('methods outside the whitelist', () => {
  it.each(['exec', 'call', 'apply', 'bind', 'valueOf', 'hasOwnProperty', 'getClass', 'forEach', 'charAt'])(
    'GIVEN .%s() WHEN parsed THEN it is refused naming it',
    (name) => {
      expect(() => evaluate(`\${trigger.user.${name}()}`)).toThrow(`method '${name}' is not allowed (allowed: `);
    },
  );
});
