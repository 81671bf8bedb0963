import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryRegistry, pipelineRegistryFromEnv } from '../../../../functions/core/pipeline-files.js';
import { BUNDLED_MANIFEST_FILE, manifestRegistry } from '../../../../functions/core/pipeline-registry.js';

const WAIT = [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }];
const deploy = {
  application: 'shop',
  name: 'deploy',
  id: 'shop-deploy-id',
  triggers: [{ type: 'git', source: 'github', project: 'a', slug: 'b' }],
  stages: WAIT,
};

describe('manifest registry', () => {
  it('loads valid pipelines, reports invalid and duplicate ones, and keeps disabled ones flagged', async () => {
    const registry = manifestRegistry({
      text: JSON.stringify({
        pipelines: [
          deploy,
          { application: 'shop', name: 'broken', stages: [{ refId: '1', type: 'nope' }] },
          { ...deploy, name: 'again' },
          { application: 'shop', name: 'old', disabled: true, stages: WAIT },
        ],
      }),
    });
    const entries = await registry.list();
    expect(entries.map((e) => [e.pipeline.name, e.disabled])).toEqual([
      ['deploy', false],
      ['old', true],
    ]);
    const problems = await registry.problems();
    expect(problems.map((p) => p.source)).toEqual(['manifest[1]', 'manifest[2]']);
    expect(problems[0]!.message).toContain("unsupported stage type 'nope'");
    expect(problems[1]!.message).toContain('already defined by manifest[0]');
    expect((await registry.get('shop', 'shop-deploy-id'))?.pipeline.name).toBe('deploy');
    expect((await registry.get('shop', 'deploy'))?.pipeline.id).toBe('shop-deploy-id');
    expect(await registry.get('other', 'deploy')).toBeUndefined();
  });

  it('reports a manifest that is not JSON or has no list', async () => {
    expect(await manifestRegistry({ text: '{nope' }).problems()).toEqual([{ source: 'manifest', message: expect.stringContaining('not valid JSON') }]);
    expect(await manifestRegistry({ text: '{"x": 1}' }).problems()).toEqual([{ source: 'manifest', message: expect.stringContaining('expected') }]);
    expect((await manifestRegistry({ file: '/nonexistent/manifest.json' }).problems())[0]!.message).toContain('cannot read');
  });
});

describe('directory registry', () => {
  it('reads JSON and YAML files recursively, naming unnamed pipelines after their file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-pipelines-'));
    writeFileSync(join(dir, 'deploy.json'), JSON.stringify(deploy));
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team', 'nightly.yml'), 'application: shop\nstages:\n  - refId: "1"\n    type: wait\n    waitTime: 1\n');
    writeFileSync(join(dir, 'team', 'bad.yaml'), 'application: [unclosed\n');
    writeFileSync(join(dir, 'README.md'), '# not a pipeline');
    const registry = directoryRegistry(dir);
    expect((await registry.list()).map((e) => e.pipeline.name).sort()).toEqual(['deploy', 'nightly']);
    expect((await registry.problems()).map((p) => p.source)).toEqual([join(dir, 'team', 'bad.yaml')]);
  });
});

describe('registry from the environment', () => {
  it('prefers the manifest variable (inline JSON or a path), then a bundled file, then the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-env-'));
    const inline = pipelineRegistryFromEnv({ GENNAKER_PIPELINES_MANIFEST: JSON.stringify([deploy]) }, dir);
    expect((await inline.list()).map((e) => e.pipeline.name)).toEqual(['deploy']);

    writeFileSync(join(dir, 'm.json'), JSON.stringify({ pipelines: [{ ...deploy, name: 'from-file', id: 'f' }] }));
    expect((await pipelineRegistryFromEnv({ GENNAKER_PIPELINES_MANIFEST: join(dir, 'm.json') }, dir).list())[0]!.pipeline.name).toBe('from-file');

    mkdirSync(join(dir, 'pipelines'));
    writeFileSync(join(dir, 'pipelines', 'p.json'), JSON.stringify({ ...deploy, name: 'from-dir', id: 'd' }));
    expect((await pipelineRegistryFromEnv({}, dir).list())[0]!.pipeline.name).toBe('from-dir');

    writeFileSync(join(dir, BUNDLED_MANIFEST_FILE), JSON.stringify([{ ...deploy, name: 'bundled', id: 'b' }]));
    expect((await pipelineRegistryFromEnv({}, dir).list())[0]!.pipeline.name).toBe('bundled');
  });
});
