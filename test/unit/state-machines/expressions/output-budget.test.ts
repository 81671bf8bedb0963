/**
 * Expressions are bounded by the text they produce, not only by their steps (issue 11 item 8):
 * every way to make text (replace, replaceAll/replaceFirst, concatenation, toJson, templates,
 * toString, case mapping) is charged to one output budget per evaluation pass, sized before the text
 * is made where it can be, and the error names the budget.
 */
import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateAll, evaluateStrict } from '../../../../state-machines/expressions/index.js';
import { MAX_OUTPUT_BYTES } from '../../../../state-machines/expressions/limits.js';
import { sampleContext } from './context.js';

const BUDGET = /expression output budget/;
const chars = MAX_OUTPUT_BYTES / 2;

function failure(text: string, trigger: Record<string, unknown>): string {
  try {
    evaluateStrict(text, sampleContext({ trigger }));
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
  throw new Error(`expected ${text.slice(0, 60)} to fail`);
}

describe('expression output budget', () => {
  it('refuses a literal replace that would multiply its input, before making it', () => {
    // '' matches between every character: 90,001 insertions of 100 characters.
    const message = failure(`\${trigger.s.replace('', '${'y'.repeat(100)}')}`, { s: 'x'.repeat(90_000) });
    expect(message).toMatch(BUDGET);
    expect(message).toMatch(/more than 16777216 bytes/);
    expect(failure(`\${trigger.s.replace('x', trigger.r)}`, { s: 'x'.repeat(10_000), r: 'z'.repeat(1_000) })).toMatch(BUDGET);
  });

  it('refuses pattern replacements whose result could exceed what is left, group references included', () => {
    expect(failure(`\${trigger.s.replaceAll('', trigger.r)}`, { s: 'x'.repeat(100_000), r: 'y'.repeat(100) })).toMatch(
      /replacing 100001 matches could make \d+ characters, more than the \d+ left in the expression output budget/,
    );
    expect(failure(`\${trigger.s.replaceAll('(x+)', '$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1')}`, { s: 'x'.repeat(500_000) })).toMatch(BUDGET);
    expect(failure(`\${trigger.s.replaceFirst('.*', '$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0$0')}`, { s: 'x'.repeat(500_000) })).toMatch(BUDGET);
  });

  it('counts concatenations across an expression, though each stays under the string cap', () => {
    const s = 'x'.repeat(400_000);
    const many = Array.from({ length: 20 }, () => 'trigger.s + trigger.s').join(', ');
    expect(failure(`\${{${many}}.size()}`, { s })).toMatch(BUDGET);
    // Ten are within budget.
    const fewer = Array.from({ length: 10 }, () => 'trigger.s + trigger.s').join(', ');
    expect(evaluateStrict(`\${{${fewer}}.size()}`, sampleContext({ trigger: { s } }))).toBe(10);
  });

  it('charges toJson as it writes: one large string referenced many times fails on the budget', () => {
    const refs = Array.from({ length: 40 }, () => 'trigger.s').join(', ');
    expect(failure(`\${#toJson({${refs}})}`, { s: 'x'.repeat(250_000) })).toMatch(BUDGET);
    // A map spliced into text is JSON too.
    expect(failure(`list: \${{${refs}}}`, { s: 'x'.repeat(250_000) })).toMatch(BUDGET);
  });

  it('charges a template by everything spliced into it, across its expressions', () => {
    const text = '${trigger.s}'.repeat(40);
    expect(failure(text, { s: 'x'.repeat(250_000) })).toMatch(BUDGET);
  });

  it('shares one budget across every string of an evaluation pass', () => {
    const s = 'x'.repeat(1_000_000);
    const config = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v: ${trigger.s.toUpperCase()}']));
    const { errors } = evaluateAll(config, sampleContext({ trigger: { s } }));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(BUDGET);
  });

  it('leaves ordinary work alone', () => {
    const ctx = sampleContext({ trigger: { s: 'a-b-c', big: 'x'.repeat(chars / 4) } });
    expect(evaluateStrict("${trigger.s.replace('-', '--')}", ctx)).toBe('a--b--c');
    expect(evaluateStrict("${trigger.s.replaceAll('([a-z])', '$1$1')}", ctx)).toBe('aa-bb-cc');
    expect(evaluateStrict("${trigger.s.replaceFirst('-', '+')}", ctx)).toBe('a+b-c');
    expect(evaluateStrict("${#toJson({'a': {1, 'two', true}})}", ctx)).toBe('{"a":[1,"two",true]}');
    expect((evaluateStrict('${trigger.big.toUpperCase()}', ctx) as string).length).toBe(chars / 4);
  });

  it('names the step budget when steps run out', () => {
    const big = Array.from({ length: 120_000 }, (_, i) => i);
    expect(() => evaluateStrict('${trigger.a == trigger.b}', sampleContext({ trigger: { a: big, b: [...big] } }))).toThrow(
      'evaluation took more than 100000 steps (the expression step budget)',
    );
  });
});
