import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateAll, evaluateStrict, findExpressionProblems } from '../../../../state-machines/expressions/index.js';
import { sampleContext } from './context.js';

const ctx = sampleContext();

function refusal(text: string): ExpressionError {
  try {
    evaluateStrict(text, ctx);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw new Error(`expected an ExpressionError, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('attacks on the evaluator', () => {
  it.each<[string, string]>([
    ['${trigger.constructor}', "access to 'constructor' is not allowed at column 11"],
    ["${trigger['constructor']['constructor']('return process')()}", "access to 'constructor' is not allowed at column 11"],
    ['${trigger.__proto__}', "access to '__proto__' is not allowed"],
    ["${trigger['__proto__']}", "access to '__proto__' is not allowed"],
    ["${''.constructor}", "access to 'constructor' is not allowed"],
    ['${execution.stages.constructor.prototype}', "access to 'constructor' is not allowed"],
    ['${trigger.prototype}', "access to 'prototype' is not allowed"],
    ['${trigger.__defineGetter__}', "access to '__defineGetter__' is not allowed"],
    ['${constructor}', "access to 'constructor' is not allowed"],
    ["${{'__proto__': 1}}", "access to '__proto__' is not allowed"],
    ["${T(java.lang.Runtime).getRuntime().exec('ls')}", 'type references are not allowed at column 3'],
    ['${T(java.lang.System).getenv()}', 'type references are not allowed'],
    ["${new java.lang.ProcessBuilder('ls')}", "'new' is not allowed: expressions cannot construct objects"],
    ['${trigger.toString.call}', "cannot read property 'call' of null"],
    ["${trigger.user.exec('ls')}", "method 'exec' is not allowed (allowed: "],
    ['${trigger.user.getClass()}', "method 'getClass' is not allowed"],
    ["${trigger.user.constructor('x')}", "access to 'constructor' is not allowed"],
    ["${#this.getClass().forName('java.lang.Runtime')}", "variable '#this' is not supported"],
    ['${@myBean.run()}', 'bean references are not allowed'],
    ['${&factoryBean}', 'bean references are not allowed'],
    ["${trigger.user = 'mallory'}", 'assignment is not allowed'],
    ['${execution.stages.?[name == "Bake"]}', 'collection selection and projection'],
    ['${execution.stages.![name]}', 'collection selection and projection'],
    ["${trigger['user']('x')}", 'only whitelisted methods'],
    ['${trigger.user instanceof T(String)}', "operator 'instanceof' is not supported"],
    ["${'aa' matches '(a)\\1'}", 'linear-time engine'],
  ])('GIVEN %s WHEN evaluated THEN it is refused: %s', (text, message) => {
    const error = refusal(text);
    expect(error.name).toBe('ExpressionError');
    expect(error.expression).toBe(text);
    expect(error.message).toContain(message);
  });

  it('GIVEN a computed name reaching the prototype WHEN evaluated THEN it is refused at run time', () => {
    const attack = sampleContext({ trigger: { key: 'constructor', proto: '__proto__' } });
    expect(() => evaluateStrict('${trigger[trigger.key]}', attack)).toThrow("access to 'constructor' is not allowed");
    expect(() => evaluateStrict('${trigger.get(trigger.proto)}', attack)).toThrow("access to '__proto__' is not allowed");
  });

  it('GIVEN JSON with a __proto__ key WHEN read with #readJson THEN the key stays data and cannot be read', () => {
    expect(() => evaluateStrict('${#readJson(\'{"__proto__": {"x": 1}}\').__proto__}', ctx)).toThrow("access to '__proto__' is not allowed");
    expect(evaluateStrict('${#readJson(\'{"__proto__": {"x": 1}}\').x}', ctx)).toBeNull();
  });

  it('GIVEN prototype members that are not own properties WHEN read THEN they are missing keys, never functions', () => {
    expect(evaluateStrict('${trigger.toString}', ctx)).toBeNull();
    expect(evaluateStrict('${trigger.hasOwnProperty}', ctx)).toBeNull();
    expect(evaluateStrict("${trigger['valueOf']}", ctx)).toBeNull();
  });

  it('GIVEN a context value that is a function WHEN read THEN it is refused', () => {
    const tricky = sampleContext({ trigger: { run: () => 'pwned' } });
    expect(() => evaluateStrict('${trigger.run}', tricky)).toThrow("'run' is a function, which expressions cannot use");
  });

  it('GIVEN a getter in the context WHEN read THEN it is not run', () => {
    let ran = false;
    const trigger = Object.defineProperty({}, 'secret', { enumerable: true, get: () => ((ran = true), 'x') });
    expect(() => evaluateStrict('${trigger.secret}', sampleContext({ trigger }))).toThrow("property 'secret' is not a plain value");
    expect(ran).toBe(false);
  });

  it('GIVEN a class instance in the context WHEN its properties are read THEN it is refused', () => {
    const trigger = { when: new Date(0) };
    expect(() => evaluateStrict('${trigger.when.getTime}', sampleContext({ trigger }))).toThrow("cannot read property 'getTime' of an unsupported value");
  });

  it('GIVEN attacks WHEN checked or evaluated leniently THEN they are reported, never thrown', () => {
    const attacks = ['${trigger.constructor}', "${T(java.lang.Runtime).getRuntime().exec('ls')}"];
    expect(findExpressionProblems(attacks, '$.x').map((p) => p.path)).toEqual(['$.x[0]', '$.x[1]']);
    const { value, errors } = evaluateAll(attacks, ctx);
    expect(value).toEqual(attacks);
    expect(errors).toHaveLength(2);
  });

  it('GIVEN an evaluation WHEN it is done THEN Object.prototype is untouched', () => {
    evaluateAll(["${{'a': 1}}", '${#readJson(\'{"__proto__": {"polluted": true}}\')}'], ctx);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
