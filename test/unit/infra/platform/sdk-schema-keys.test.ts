import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../../infra/platform/bundling.js';
import { resolveSchemaKeys, sdkSchemaModules } from '../../../../infra/platform/sdk-schema-keys.js';
import { REPO_ROOT } from '../../../../infra/paths.js';

const GENERATED = [
  'const _xN = "xmlName";',
  'const _TSa = "TagSpecification";',
  'const _q = "a\\"quoted";',
  'export var A$ = [3, n0, _A, 0, [_x], [[() => B, { [_xN]: _TSa }]]];',
  'export var B$ = [3, n0, _B, 0, [], [[0, {',
  '    [_q]: 1, [_unknown]: 2 }]]];',
  'const picked = list[_xN] ? 1 : 2;',
].join('\n');

describe('resolveSchemaKeys', () => {
  it('spells computed keys naming string constants as those strings', () => {
    const out = resolveSchemaKeys(GENERATED);
    expect(out).toContain('{ "xmlName": _TSa }');
    expect(out).toContain('"a\\"quoted": 1');
  });

  it('leaves keys naming anything else, and member accesses, alone', () => {
    const out = resolveSchemaKeys(GENERATED);
    expect(out).toContain('[_unknown]: 2');
    expect(out).toContain('list[_xN] ? 1 : 2');
  });

  it('is idempotent', () => {
    const once = resolveSchemaKeys(GENERATED);
    expect(resolveSchemaKeys(once)).toBe(once);
  });
});

describe('the installed SDK after preparation', () => {
  it('finds the schema module of every client the functions use', () => {
    const modules = sdkSchemaModules(join(REPO_ROOT, 'node_modules'));
    for (const client of ['client-ec2', 'client-dynamodb', 'client-auto-scaling', 'client-sfn']) {
      expect(modules.some((path) => path.includes(`/${client}/`))).toBe(true);
    }
  });

  it('lets esbuild drop the schemas of operations a bundle never sends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-shake-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      "import { EC2Client, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';\nexport const handler = () => new EC2Client({}).send(new DescribeSecurityGroupsCommand({}));\n",
    );
    const outfile = join(dir, 'index.mjs');
    await build({ ...esbuildOptions(entry, outfile), nodePaths: [join(REPO_ROOT, 'node_modules')] });
    const bundle = readFileSync(outfile, 'utf8');
    expect(bundle).toContain('DescribeSecurityGroupsRequest');
    expect(bundle).not.toContain('AcceptAddressTransferRequest');
  });
});

describe('the bundle aliases', () => {
  it('provide every export the bundled SDK clients import from the modules they replace', async () => {
    // Every client factory in one bundle: a missing export fails the build (as it would `cdk synth`).
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-aliases-'));
    const outfile = join(dir, 'index.mjs');
    const result = await build({ ...esbuildOptions(join(REPO_ROOT, 'functions', 'core', 'aws-client-factories.ts'), outfile), logLevel: 'silent' });
    expect(result.errors).toEqual([]);
    const factories = (await import(pathToFileURL(outfile).href)) as Record<string, (o: object) => unknown>;
    // The Lambda client wires event streams in at construction: it must still construct.
    expect(factories.lambdaClient!({ region: 'us-east-1' })).toBeDefined();
  });
});
