import { describe, expect, it } from 'vitest';
import { ExpressionFault } from '../../../../state-machines/expressions/errors.js';
import { compileSafePattern } from '../../../../state-machines/expressions/regex.js';

function reasonFor(pattern: string): string | undefined {
  try {
    compileSafePattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionFault) return error.reason;
    throw error;
  }
}

describe('compileSafePattern', () => {
  it.each([
    'v\\d+(\\.\\d+)*',
    '([a-z]+-)*[a-z]+',
    '(a|b)+',
    '(ab)+',
    '[a-z0-9-]{1,63}',
    '^release/.*$',
    '(?:us|eu)-(?:east|west)-\\d',
    '(?<major>\\d+)\\.(?<minor>\\d+)',
    '(a{2})+',
  ])('GIVEN the ordinary pattern %s WHEN compiled THEN it is accepted', (pattern) => {
    expect(reasonFor(pattern)).toBeUndefined();
  });

  it.each([
    '(a+)+',
    '(a*)*',
    '(a+)*b',
    '(\\w+\\s?)*$',
    '(.+,)+',
    '(\\d+1)+',
    '((a+)b?)+',
    '([a-z]+)+$',
    '(x{2,}){2,}',
  ])('GIVEN the catastrophic pattern %s WHEN compiled THEN it is refused as unsafe', (pattern) => {
    expect(reasonFor(pattern)).toMatch(/contains a repetition that can match the same text/);
  });

  it('GIVEN a back-reference WHEN compiled THEN it is refused', () => {
    expect(reasonFor('(a)\\1')).toBe("unsafe pattern '(a)\\1': back-references are not allowed");
  });

  it('GIVEN a pattern over 200 characters WHEN compiled THEN it is refused', () => {
    expect(reasonFor('a'.repeat(201))).toBe('pattern is too long (201 characters, at most 200)');
  });

  it('GIVEN an invalid pattern WHEN compiled THEN the reason names it', () => {
    expect(reasonFor('(unclosed')).toMatch(/^invalid pattern '\(unclosed'/);
  });

  it("GIVEN Java's (?i) prefix WHEN compiled THEN matching ignores case", () => {
    expect(compileSafePattern('(?i)prod', { whole: true }).test('PROD')).toBe(true);
  });

  it('GIVEN whole-string matching WHEN compiled THEN a partial match does not count, as in Java', () => {
    expect(compileSafePattern('a|b', { whole: true }).test('ab')).toBe(false);
    expect(compileSafePattern('a|b', { whole: true }).test('b')).toBe(true);
  });
});
