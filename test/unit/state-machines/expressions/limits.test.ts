import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateAll, evaluateStrict, findExpressionProblems } from '../../../../state-machines/expressions/index.js';
import { sampleContext } from './context.js';

const ctx = sampleContext();

function errorOf(text: string): ExpressionError {
  try {
    evaluateStrict(text, ctx);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${text.slice(0, 40)} to fail`);
}

describe('limits', () => {
  it('GIVEN an expression over 10,000 characters WHEN evaluated THEN it is refused', () => {
    const text = `\${'${'a'.repeat(10_000)}'}`;
    expect(errorOf(text).reason).toBe('expression is longer than 10000 characters');
  });

  it('GIVEN an expression of almost 10,000 characters WHEN evaluated THEN it works', () => {
    expect(evaluateStrict(`\${'${'a'.repeat(9_000)}'.length()}`, ctx)).toBe(9_000);
  });

  it('GIVEN deeply nested parentheses WHEN evaluated THEN it is refused, not overflowed', () => {
    const text = `\${${'('.repeat(2_000)}1${')'.repeat(2_000)}}`;
    expect(errorOf(text).reason).toBe('expression is nested too deeply (at most 100 levels)');
  });

  it('GIVEN a long chain of unary operators WHEN evaluated THEN it is refused', () => {
    expect(errorOf(`\${${'!'.repeat(3_000)}true}`).reason).toBe('expression is nested too deeply (at most 100 levels)');
  });

  it('GIVEN a long left-leaning chain WHEN evaluated THEN the tree depth is limited too', () => {
    expect(errorOf(`\${1${' + 1'.repeat(2_000)}}`).reason).toBe('expression is nested too deeply (at most 100 levels)');
    expect(errorOf(`\${trigger${'.a'.repeat(2_000)}}`).reason).toBe('expression is nested too deeply (at most 100 levels)');
  });

  it('GIVEN moderate nesting WHEN evaluated THEN it works', () => {
    expect(evaluateStrict(`\${${'('.repeat(50)}1${')'.repeat(50)}}`, ctx)).toBe(1);
    expect(evaluateStrict(`\${1${' + 1'.repeat(60)}}`, ctx)).toBe(61);
  });

  it('GIVEN comparisons of large data WHEN evaluated THEN the step budget stops them', () => {
    const big = Array.from({ length: 120_000 }, (_, i) => i);
    const heavy = sampleContext({ trigger: { a: big, b: [...big] } });
    expect(() => evaluateStrict('${trigger.a == trigger.b}', heavy)).toThrow('evaluation took more than 100000 steps');
  });

  it('GIVEN a string doubling past the size limit WHEN evaluated THEN it is refused', () => {
    const huge = sampleContext({ trigger: { s: 'x'.repeat(600_000) } });
    expect(() => evaluateStrict('${trigger.s + trigger.s}', huge)).toThrow('string is longer than 1000000 characters');
  });

  it('GIVEN deeply nested JSON WHEN compared THEN it is refused rather than overflowing', () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const nested = sampleContext({ trigger: { deep } });
    expect(() => evaluateStrict('${#readJson(trigger.deep) == #readJson(trigger.deep)}', nested)).toThrow('values are nested too deeply to compare');
  });

  it('GIVEN a deeply nested value WHEN walked THEN it is reported, not overflowed', () => {
    let value: unknown = '${1 +}';
    for (let i = 0; i < 10_000; i++) value = [value];
    expect(findExpressionProblems(value, '$')).toHaveLength(1);
    expect(evaluateAll(value, ctx).errors).toHaveLength(1);
  });

  // On a backtracking engine this takes 2^40 steps; on the linear-time engine it answers at once.
  it('GIVEN a pattern catastrophic for backtracking WHEN matched THEN it answers', () => {
    expect(evaluateStrict(`\${'${'a'.repeat(40)}!' matches '(a+)+$'}`, ctx)).toBe(false);
    expect(evaluateStrict(`\${'${'a'.repeat(40)}!' matches '(\\w|\\d)+'}`, ctx)).toBe(false);
  });

  it('GIVEN a pattern the linear-time engine cannot run WHEN matched THEN it is refused', () => {
    expect(() => evaluateStrict("${'aa' matches '(a)\\1'}", ctx)).toThrow('linear-time engine');
  });
});
