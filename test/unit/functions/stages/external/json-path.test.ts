import { describe, expect, it } from 'vitest';
import { JsonPathSyntaxError } from '../../../../../functions/stages/external/errors.js';
import { compileJsonPath, readJsonPath, selectJsonPath } from '../../../../../functions/stages/external/json-path.js';

const issue = {
  id: 'OP-1',
  fields: { status: { name: 'Done' }, 'odd key': 3 },
  items: [{ state: 'a' }, { state: 'b', nested: { state: 'c' } }],
  count: 0,
};

describe('readJsonPath', () => {
  it.each([
    ['$.id', 'OP-1'],
    ['id', 'OP-1'],
    ['fields.status.name', 'Done'],
    ['$.fields.status.name', 'Done'],
    ["$['fields']['odd key']", 3],
    ['$["fields"].status["name"]', 'Done'],
    ['$.items[0].state', 'a'],
    ['$.items[-1].state', 'b'],
    ['$.count', 0],
    ['$', issue],
  ])('reads the definite path %s', (path, expected) => {
    expect(readJsonPath(issue, path)).toEqual({ found: true, value: expected });
  });

  it('says not found for a missing step, an index out of range or a property of a scalar', () => {
    expect(readJsonPath(issue, '$.fields.resolution.name')).toEqual({ found: false });
    expect(readJsonPath(issue, '$.items[5].state')).toEqual({ found: false });
    expect(readJsonPath(issue, '$.id.length')).toEqual({ found: false });
  });

  it('gives the list of matches for indefinite paths (wildcards and ..), as Jayway does', () => {
    expect(readJsonPath(issue, '$.items[*].state')).toEqual({ found: true, value: ['a', 'b'] });
    expect(readJsonPath(issue, '$.items.*.state')).toEqual({ found: true, value: ['a', 'b'] });
    expect(readJsonPath(issue, '$..state')).toEqual({ found: true, value: ['a', 'b', 'c'] });
    expect(readJsonPath(issue, '$..missing')).toEqual({ found: true, value: [] });
  });

  it('never reads inherited properties', () => {
    expect(readJsonPath({}, '$.constructor')).toEqual({ found: false });
    expect(readJsonPath({}, '$.__proto__')).toEqual({ found: false });
    expect(readJsonPath([], '$.length')).toEqual({ found: false });
    expect(selectJsonPath(JSON.parse('{"__proto__": {"x": 1}}'), '$.__proto__.x')).toEqual([1]);
  });
});

describe('compileJsonPath', () => {
  it('marks paths with wildcards or descent as indefinite', () => {
    expect(compileJsonPath('$.a.b[0]').definite).toBe(true);
    expect(compileJsonPath('$.a[*]').definite).toBe(false);
    expect(compileJsonPath('$..a').definite).toBe(false);
  });

  it.each([
    ['', /empty path/],
    ["$.items[?(@.state=='a')]", /filter and script expressions are not supported/],
    ['$.items[0:2]', /slices are not supported/],
    ['$.items[0,1]', /unions are not supported/],
    ['$.items[0', /unclosed/],
    ['$.a..', /expected a property name/],
    ['$ .a', /unexpected/],
  ])('refuses %j', (path, message) => {
    expect(() => compileJsonPath(path)).toThrow(JsonPathSyntaxError);
    expect(() => compileJsonPath(path)).toThrow(message);
  });
});
