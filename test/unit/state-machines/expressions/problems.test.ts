import { describe, expect, it } from 'vitest';
import { findExpressionProblems } from '../../../../state-machines/expressions/index.js';

describe('findExpressionProblems', () => {
  it('GIVEN valid expressions WHEN checked THEN there are no problems, whatever they reference', () => {
    const pipeline = { stages: [{ waitTime: '${parameters.wait}', name: 'Wait for ${#stage("Bake").name}' }] };
    expect(findExpressionProblems(pipeline, '$')).toEqual([]);
  });

  it('GIVEN broken expressions deep inside WHEN checked THEN each is reported with its JSON path', () => {
    const pipeline = {
      stages: [{ refId: '1' }, { refId: '2' }, { refId: '3', waitTime: '${1 +}', notes: ['fine', 'x ${a b}'] }],
      'odd key': '${)}',
    };
    expect(findExpressionProblems(pipeline, '$')).toEqual([
      { path: '$.stages[2].waitTime', message: 'unexpected end of expression at column 6 in ${1 +}' },
      { path: '$.stages[2].notes[1]', message: "unexpected token 'b' at column 5 in ${a b}" },
      { path: '$["odd key"]', message: "unexpected token ')' at column 3 in ${)}" },
    ]);
  });

  it('GIVEN a path prefix WHEN checked THEN paths extend it', () => {
    expect(findExpressionProblems({ waitTime: '${(}' }, '$.stages[2]')).toEqual([
      { path: '$.stages[2].waitTime', message: 'unexpected end of expression at column 4 in ${(}' },
    ]);
  });

  it('GIVEN refused constructs WHEN checked THEN they are problems before anything runs', () => {
    const problems = findExpressionProblems(['${T(java.lang.Runtime)}', '${x.exec()}', "${#cfServiceKey('db')}", '${#root}', '${trigger.constructor}'], '$.p');
    expect(problems.map((p) => p.path)).toEqual(['$.p[0]', '$.p[1]', '$.p[2]', '$.p[3]', '$.p[4]']);
    expect(problems[1]?.message).toContain("method 'exec' is not allowed (allowed: ");
    expect(problems[2]?.message).toContain("unknown function '#cfServiceKey' (supported: #alphanumerical");
  });

  it('GIVEN several expressions in one string WHEN checked THEN each bad one is reported', () => {
    expect(findExpressionProblems('${a +} ${ok} ${b -}', '$.s').map((p) => p.message)).toEqual([
      'unexpected end of expression at column 6 in ${a +}',
      'unexpected end of expression at column 6 in ${b -}',
    ]);
  });

  it('GIVEN an unterminated expression WHEN checked THEN it is reported', () => {
    expect(findExpressionProblems({ a: 'x ${oops' }, '$')).toEqual([{ path: '$.a', message: "missing closing '}' for the expression at column 3 in ${oops" }]);
  });

  it('GIVEN values that are not strings, arrays or plain objects WHEN checked THEN they are ignored', () => {
    expect(findExpressionProblems([1, null, true, undefined, new Date(0)], '$')).toEqual([]);
  });

  it('GIVEN a circular value WHEN checked THEN it is reported once as too deep, not overflowed', () => {
    const loop: Record<string, unknown> = { a: '${1 +}' };
    loop['self'] = loop;
    const problems = findExpressionProblems(loop, '$');
    expect(problems.at(-1)?.message).toBe('value is nested too deeply to check for expressions');
    expect(problems.filter((p) => p.message.includes('too deeply'))).toHaveLength(1);
  });
});
