import { describe, expect, it } from 'vitest';
import { ExpressionFault } from '../../../../state-machines/expressions/errors.js';
import { compileUserPattern, needsPatternEngine, userPatternProblem } from '../../../../state-machines/expressions/regex.js';

function reasonFor(pattern: string): string | undefined {
  try {
    compileUserPattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionFault) return error.reason;
    throw error;
  }
}

describe('compileUserPattern (linear-time engine)', () => {
  it.each([
    'v\\d+(\\.\\d+)*',
    '([a-z]+-)*[a-z]+',
    '(a|b)+',
    '[a-z0-9-]{1,63}',
    '^release/.*$',
    '(?:us|eu)-(?:east|west)-\\d',
    '(?<major>\\d+)\\.(?<minor>\\d+)',
    '\\p{L}+',
  ])('GIVEN the ordinary pattern %s WHEN compiled THEN it is accepted', (pattern) => {
    expect(reasonFor(pattern)).toBeUndefined();
  });

  // Each of these takes exponential time on a backtracking engine with the text below (2^60
  // ways to split it): on RE2 they finish in one pass, so the test finishing at all is the proof.
  it.each(['(\\w|\\d)+', '(a+)+', '(a*)*b', '(\\w+\\s?)*$', '(.+,)+', '([a-z]+)+$', '(a|a)+', '(x{2,}){2,}'])(
    'GIVEN the catastrophic-for-backtracking pattern %s WHEN run on a long near-miss THEN it answers',
    (pattern) => {
      const compiled = compileUserPattern(pattern);
      const nearMiss = `${'a'.repeat(60)}!`;
      expect(compiled.matchesWhole(nearMiss)).toBe(false);
      expect(compiled.matchesWhole('a'.repeat(200_000) + '!')).toBe(false);
    },
  );

  it.each([
    ['(a)\\1', /invalid escape sequence/],
    ['(?=a)b', /unsupported Perl syntax/],
    ['(?<!a)b', /invalid named capture/],
    ['a++', /invalid nested repetition/],
    ['(unclosed', /missing closing \)/],
  ])('GIVEN %s, which RE2 cannot run WHEN compiled THEN the engine says why', (pattern, reason) => {
    expect(reasonFor(pattern)).toMatch(/^invalid pattern .* for the linear-time engine/);
    expect(reasonFor(pattern)).toMatch(reason);
    expect(userPatternProblem(pattern)).toBe(reasonFor(pattern));
  });

  it('GIVEN a pattern over 1000 characters WHEN compiled THEN it is refused', () => {
    expect(reasonFor('a'.repeat(1001))).toBe('pattern is too long (1001 characters, at most 1000)');
  });

  it('GIVEN a short pattern that expands into a huge program WHEN compiled THEN it is refused', () => {
    expect(reasonFor('(\\w{1,1000}){1,1000}')).toMatch(/too large|invalid repeat count/);
    expect(reasonFor('[a-z]{1000}[0-9]{1000}[A-Z]{1000}x{1000}y{1000}z{1000}')).toMatch(/too large once expanded/);
  });

  it("GIVEN Java's (?i) prefix WHEN compiled THEN matching ignores case", () => {
    expect(compileUserPattern('(?i)prod').matchesWhole('PROD')).toBe(true);
  });

  it('GIVEN whole-string matching WHEN run THEN a partial match does not count, as in Java', () => {
    expect(compileUserPattern('a|b').matchesWhole('ab')).toBe(false);
    expect(compileUserPattern('a|b').matchesWhole('b')).toBe(true);
    expect(compileUserPattern('a|b').find('xbx')).toBe(true);
  });

  it("GIVEN Java's split, replaceAll and replaceFirst WHEN run THEN they give Java's answers", () => {
    expect(compileUserPattern(',').split('a,b,,c,,')).toEqual(['a', 'b', '', 'c']);
    expect(compileUserPattern(',').split('')).toEqual(['']);
    expect(compileUserPattern('(\\w)(\\d)').replaceAll('a1 b2', '$2$1')).toBe('1a 2b');
    expect(compileUserPattern('(?<v>\\d+)').replaceFirst('v1 v2', '<${v}>')).toBe('v<1> v2');
    expect(compileUserPattern('x').replaceAll('axb', '\\$')).toBe('a$b');
  });

  it('GIVEN a replacement naming a group the pattern lacks WHEN run THEN the author gets a reason, not a crash', () => {
    expect(() => compileUserPattern('a').replaceAll('a', '$3')).toThrow(ExpressionFault);
  });
});

describe('needsPatternEngine', () => {
  it.each([
    ['${trigger.branch matches "release/.*"}', true],
    ['${parameters.list.split(",")}', true],
    [{ deep: [{ x: '${a.replaceAll("-", "_")}' }] }, true],
    [{ name: '${trigger.tag.replaceFirst("v", "")}' }, true],
    ['${trigger.tag}', false],
    ['split matches replaceAll, but no expression', false],
    [{ image: '${trigger.tag}', n: 3 }, false],
  ])('GIVEN %j THEN it says %s', (value, expected) => {
    expect(needsPatternEngine(value)).toBe(expected);
  });
});
