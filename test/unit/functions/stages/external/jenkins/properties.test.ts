import { describe, expect, it } from 'vitest';
import { PropertyFileError } from '../../../../../../functions/stages/external/errors.js';
import { parseJavaProperties, parsePropertyFile } from '../../../../../../functions/stages/external/jenkins/properties.js';

describe('parseJavaProperties', () => {
  it('reads java.util.Properties syntax', () => {
    const text = [
      '# a comment',
      '! another comment',
      '',
      'version=1.2.3',
      'image.id : ami-123',
      'spaced   value with spaces  ',
      '  indented=yes',
      'empty=',
      'multi=first \\',
      '      second \\',
      '   # not a comment here',
      'escaped\\=key=a\\tb\\u00e9\\\\',
      'url=https://ci.example/job?x=1',
    ].join('\n');
    expect(parseJavaProperties(text)).toEqual({
      version: '1.2.3',
      'image.id': 'ami-123',
      spaced: 'value with spaces  ',
      indented: 'yes',
      empty: '',
      multi: 'first second # not a comment here',
      'escaped=key': 'a\tbé\\',
      url: 'https://ci.example/job?x=1',
    });
  });

  it('takes the last value of a repeated key and handles CRLF', () => {
    expect(parseJavaProperties('a=1\r\na=2\r\n')).toEqual({ a: '2' });
  });
});

describe('parsePropertyFile', () => {
  it('reads JSON and YAML by extension, properties otherwise', async () => {
    expect(await parsePropertyFile('out/build.json', '{"version": "1.0", "n": 3}')).toEqual({ version: '1.0', n: 3 });
    expect(await parsePropertyFile('build.YAML', 'version: "1.0"\nlist: [a, b]\n')).toEqual({ version: '1.0', list: ['a', 'b'] });
    expect(await parsePropertyFile('build.properties', 'version=1.0')).toEqual({ version: '1.0' });
    expect(await parsePropertyFile('build.txt', 'version: 1.0')).toEqual({ version: '1.0' });
    expect(await parsePropertyFile('empty.yml', '')).toEqual({});
  });

  it('refuses a JSON file that does not hold an object, or does not parse', async () => {
    await expect(parsePropertyFile('a.json', '[1, 2]')).rejects.toThrow(PropertyFileError);
    await expect(parsePropertyFile('a.json', '{oops')).rejects.toThrow(/property file a.json cannot be parsed/);
  });
});
