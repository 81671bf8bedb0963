import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpressionError, collectReferences, evaluateAll, evaluateStrict, findExpressionProblems } from '../../../../state-machines/expressions/index.js';
import { sampleContext } from './context.js';

const ctx = sampleContext();

/** Fragments that steer random strings towards things the parser will actually chew on. */
const fragment = fc.constantFrom(
  '${',
  '}',
  '{',
  '(',
  ')',
  '[',
  ']',
  "'",
  '"',
  '.',
  '?.',
  '?',
  ':',
  '?:',
  '#',
  ',',
  ' ',
  'trigger',
  'parameters',
  'execution',
  'constructor',
  '__proto__',
  'T(',
  'new ',
  '#stage(',
  '#toJson(',
  '#readJson(',
  "'Bake'",
  '.split(',
  '.matches(',
  "'(a+)+'",
  '.size()',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!',
  'and',
  'or',
  'not',
  '1',
  '0',
  '2.5',
  'null',
  'true',
  '@',
  '&',
  '=',
  '\\',
  'env',
  '.?[',
);
const expressionish = fc.array(fc.oneof(fragment, fc.string({ maxLength: 3 })), { maxLength: 30 }).map((parts) => parts.join(''));
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), expressionish);

function strictOutcome(text: string): unknown {
  try {
    return evaluateStrict(text, ctx);
  } catch (error) {
    return error;
  }
}

describe('robustness on arbitrary input', () => {
  it('GIVEN any string WHEN checked, collected or evaluated leniently THEN nothing throws', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(() => findExpressionProblems({ a: [text] }, '$')).not.toThrow();
        expect(() => collectReferences(text)).not.toThrow();
        expect(() => evaluateAll({ a: text }, ctx)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });

  it('GIVEN any string WHEN evaluated strictly THEN only ExpressionError is ever thrown', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const outcome = strictOutcome(text);
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(ExpressionError);
      }),
      { numRuns: 2_000 },
    );
  });

  it('GIVEN any string WHEN evaluated both ways THEN they agree: strict throws exactly when lenient reports', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const strict = strictOutcome(text);
        const lenient = evaluateAll(text, ctx);
        if (strict instanceof ExpressionError) expect(lenient.errors.length).toBeGreaterThan(0);
        else expect({ value: lenient.value, errors: lenient.errors }).toEqual({ value: strict, errors: [] });
      }),
      { numRuns: 1_000 },
    );
  });

  it('GIVEN any string WHEN parsed problems are found THEN evaluation fails too', () => {
    fc.assert(
      fc.property(expressionish, (text) => {
        if (findExpressionProblems(text, '$').length > 0) expect(strictOutcome(text)).toBeInstanceOf(ExpressionError);
      }),
      { numRuns: 1_000 },
    );
  });

  it('GIVEN any JSON-like value WHEN evaluated leniently THEN strings without ${ are unchanged', () => {
    const plain = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('${'));
    fc.assert(
      fc.property(plain, (value) => {
        expect(evaluateAll(value, ctx)).toEqual({ value, errors: [] });
      }),
      { numRuns: 300 },
    );
  });
});
