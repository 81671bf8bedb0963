import { describe, expect, it } from 'vitest';
import { hasExpression } from '../../../../state-machines/expressions/index.js';
import { splitTemplate } from '../../../../state-machines/expressions/template.js';

describe('splitTemplate', () => {
  it('GIVEN plain text WHEN split THEN it is one text part', () => {
    expect(splitTemplate('no expressions here')).toEqual([{ kind: 'text', text: 'no expressions here' }]);
    expect(splitTemplate('')).toEqual([]);
  });

  it('GIVEN text around expressions WHEN split THEN literal and expression parts alternate', () => {
    expect(splitTemplate('app-${parameters.env}-v${trigger.n}')).toEqual([
      { kind: 'text', text: 'app-' },
      { kind: 'expression', source: '${parameters.env}', body: 'parameters.env' },
      { kind: 'text', text: '-v' },
      { kind: 'expression', source: '${trigger.n}', body: 'trigger.n' },
    ]);
  });

  it('GIVEN a closing brace inside a quoted string WHEN split THEN it does not end the expression', () => {
    expect(splitTemplate("${trigger['x}']}!")).toEqual([
      { kind: 'expression', source: "${trigger['x}']}", body: "trigger['x}']" },
      { kind: 'text', text: '!' },
    ]);
    expect(splitTemplate('${"}"}')).toEqual([{ kind: 'expression', source: '${"}"}', body: '"}"' }]);
  });

  it('GIVEN doubled quotes inside a string WHEN split THEN the string goes on', () => {
    expect(splitTemplate("${'it''s }'}")).toEqual([{ kind: 'expression', source: "${'it''s }'}", body: "'it''s }'" }]);
  });

  it('GIVEN nested braces WHEN split THEN the matching brace ends the expression', () => {
    expect(splitTemplate("${ {'a':1}['a'] } and ${{1,{2}}}")).toEqual([
      { kind: 'expression', source: "${ {'a':1}['a'] }", body: " {'a':1}['a'] " },
      { kind: 'text', text: ' and ' },
      { kind: 'expression', source: '${{1,{2}}}', body: '{1,{2}}' },
    ]);
  });

  it('GIVEN ${ inside a quoted string WHEN split THEN it is part of the expression', () => {
    expect(splitTemplate("${'${not nested}'}")).toEqual([{ kind: 'expression', source: "${'${not nested}'}", body: "'${not nested}'" }]);
  });

  it('GIVEN a ${ that is never closed WHEN split THEN the rest is an unterminated part', () => {
    expect(splitTemplate('a ${b + 1')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'unterminated', source: '${b + 1', column: 3 },
    ]);
  });

  it('GIVEN a lone $ or { WHEN split THEN it is text', () => {
    expect(splitTemplate('cost: $5 {x}')).toEqual([{ kind: 'text', text: 'cost: $5 {x}' }]);
  });
});

describe('hasExpression', () => {
  it.each<[string, boolean]>([
    ['${x}', true],
    ['a ${', true],
    ['$x {y}', false],
    ['', false],
  ])('GIVEN %j WHEN checked THEN it is %s', (text, expected) => {
    expect(hasExpression(text)).toBe(expected);
  });
});
