import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateAll, evaluateStrict } from '../../../../state-machines/expressions/index.js';
import { sampleContext } from './context.js';

const ctx = sampleContext();

describe('evaluateAll', () => {
  it('GIVEN a string that is exactly one expression WHEN evaluated THEN the raw value is kept', () => {
    const { value, errors } = evaluateAll(
      {
        count: '${#toInt(trigger.parameters.replicas)}',
        enabled: "${parameters.env == 'prod'}",
        capacity: '${capacity}',
        nothing: '${trigger.nothing}',
        list: '${{1, 2}}',
      },
      ctx,
    );
    expect(errors).toEqual([]);
    expect(value).toEqual({ count: 3, enabled: true, capacity: { min: 2, max: 4 }, nothing: null, list: [1, 2] });
  });

  it('GIVEN expressions mixed with text WHEN evaluated THEN values are interpolated as text', () => {
    const { value, errors } = evaluateAll(
      [
        'shop-${parameters.env}',
        'replicas=${#toInt(trigger.parameters.replicas) + 1}',
        'canary=${parameters.canary}',
        'capacity=${capacity}',
        'nothing=[${trigger.nothing}]',
        ' ${parameters.env}',
        '${parameters.env}${parameters.env}',
      ],
      ctx,
    );
    expect(errors).toEqual([]);
    expect(value).toEqual(['shop-prod', 'replicas=4', 'canary=true', 'capacity={"min":2,"max":4}', 'nothing=[]', ' prod', 'prodprod']);
  });

  it('GIVEN nested objects and arrays WHEN evaluated THEN every string is evaluated and keys are kept', () => {
    const input = { stages: [{ name: 'Deploy ${parameters.env}', '${key}': 5, flags: [true, null, '${1 + 1}'] }] };
    const { value } = evaluateAll(input, ctx);
    expect(value).toEqual({ stages: [{ name: 'Deploy prod', '${key}': 5, flags: [true, null, 2] }] });
    expect(input.stages[0]?.name).toBe('Deploy ${parameters.env}');
  });

  it('GIVEN a failing expression WHEN evaluated THEN its text stays in place and it is listed', () => {
    const { value, errors } = evaluateAll({ a: '${nope}', b: 'x-${nope2}-${parameters.env}', c: '${1 +}' }, ctx);
    expect(value).toEqual({ a: '${nope}', b: 'x-${nope2}-prod', c: '${1 +}' });
    expect(errors).toEqual([
      { expression: '${nope}', message: "unknown variable 'nope' at column 3 in ${nope}" },
      { expression: '${nope2}', message: "unknown variable 'nope2' at column 3 in ${nope2}" },
      { expression: '${1 +}', message: 'unexpected end of expression at column 6 in ${1 +}' },
    ]);
  });

  it('GIVEN an unterminated expression WHEN evaluated THEN the text stays and it is listed', () => {
    const { value, errors } = evaluateAll('a ${b', ctx);
    expect(value).toBe('a ${b');
    expect(errors).toEqual([{ expression: '${b', message: "missing closing '}' for the expression at column 3 in ${b" }]);
  });

  it('GIVEN non-string values WHEN evaluated THEN they pass through', () => {
    expect(evaluateAll(42, ctx).value).toBe(42);
    expect(evaluateAll(null, ctx).value).toBeNull();
    expect(evaluateAll([true, 1.5], ctx).value).toEqual([true, 1.5]);
  });

  it('GIVEN a malformed context WHEN evaluated THEN it reports rather than throws', () => {
    const broken = { execution: undefined } as unknown as Parameters<typeof evaluateAll>[1];
    const { value, errors } = evaluateAll('${trigger.x}', broken);
    expect(value).toBe('${trigger.x}');
    expect(errors[0]?.message).toMatch(/^internal error: /);
  });
});

describe('evaluateStrict', () => {
  it('GIVEN a whole expression WHEN evaluated THEN the raw value is returned', () => {
    expect(evaluateStrict('${#stage("Bake").endTime - #stage("Bake").startTime}', ctx)).toBe(100);
  });

  it('GIVEN text with expressions WHEN evaluated THEN it is interpolated', () => {
    expect(evaluateStrict('${execution.application}-${parameters.env}', ctx)).toBe('shop-prod');
  });

  it('GIVEN text without expressions WHEN evaluated THEN it is returned as is', () => {
    expect(evaluateStrict('plain', ctx)).toBe('plain');
  });

  it('GIVEN any failing part WHEN evaluated THEN it throws an ExpressionError naming that part', () => {
    let caught: unknown;
    try {
      evaluateStrict('ok ${parameters.env} then ${trigger.a.b}', ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect(caught).toMatchObject({
      name: 'ExpressionError',
      expression: '${trigger.a.b}',
      reason: "cannot read property 'b' of null (use '?.' to allow null)",
      column: 13,
    });
  });

  it('GIVEN an unterminated expression WHEN evaluated THEN it throws', () => {
    expect(() => evaluateStrict('${a', ctx)).toThrow(ExpressionError);
  });

  it('GIVEN an empty expression WHEN evaluated THEN it throws saying so', () => {
    expect(() => evaluateStrict('${ }', ctx)).toThrow('empty expression at column 3 in ${ }');
  });
});
