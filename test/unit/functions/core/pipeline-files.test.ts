/**
 * The one pipeline loader: `validate` (CLI), local runs, the CDK app and the trigger/API registry
 * accept the same documents with the same defaults, and refuse the same ones.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryRegistry, loadPipelineFile, loadPipelinePath, pipelinesIn, scanPipelineFolder } from '../../../../functions/core/pipeline-files.js';
import { manifestRegistry } from '../../../../functions/core/pipeline-registry.js';
import { loadPipeline } from '../../../../infra/pipeline/definition.js';
import { PipelineDefinitionError } from '../../../../infra/errors.js';
import { SPINNAKER_EXAMPLES } from '../../../support/fixtures.js';

const EXAMPLES = SPINNAKER_EXAMPLES;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gennaker-loader-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const noApplication = JSON.stringify({
  stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 5 }],
});

describe('one loader for every reader', () => {
  it('gives a file without application or name the same defaults everywhere (today synth refused it)', async () => {
    const dir = folder({ 'nightly.json': noApplication });
    const file = join(dir, 'nightly.json');
    const cli = loadPipelineFile(file);
    expect(cli.errors).toEqual([]);
    expect(cli.pipeline).toMatchObject({ application: 'default', name: 'nightly', id: 'default-nightly' });
    expect(cli.warnings.map((w) => w.path)).toEqual(['$.application', '$.name']);

    const synth = loadPipeline(file);
    expect(synth.pipeline).toEqual(cli.pipeline);

    const registry = directoryRegistry(dir);
    expect((await registry.list()).map((e) => e.pipeline)).toEqual([cli.pipeline]);

    // The CDK app hands the trigger functions the documents with their defaults written in.
    const manifest = manifestRegistry({ text: JSON.stringify({ pipelines: [synth.document] }) });
    expect((await manifest.list()).map((e) => e.pipeline)).toEqual([cli.pipeline]);
  });

  it('takes the application of a raw export from its deploy clusters, for every reader', async () => {
    const dir = folder({
      'export.json': JSON.stringify({
        stages: [
          { refId: '1', type: 'wait', waitTime: 1 },
          {
            refId: '2',
            requisiteStageRefIds: ['1'],
            type: 'deploy',
            clusters: [{ application: 'shop', account: 'prod', capacity: { min: 1, max: 1, desired: 1 }, availabilityZones: { 'us-east-1': ['us-east-1a'] } }],
          },
        ],
      }),
    });
    const file = join(dir, 'export.json');
    const cli = loadPipelineFile(file);
    expect(cli.pipeline?.application ?? cli.errors).toBe('shop');
    expect(loadPipeline(file).pipeline.application).toBe('shop');
    expect((await directoryRegistry(dir).list())[0]?.pipeline.application).toBe('shop');
  });

  it('refuses the same documents everywhere, with every path', async () => {
    const bad = JSON.stringify({
      application: 'a',
      name: 'b',
      stages: [
        { refId: '1', type: 'nope' },
        { refId: '2', type: 'wait', requisiteStageRefIds: ['9'] },
      ],
    });
    const dir = folder({ 'bad.json': bad });
    const file = join(dir, 'bad.json');
    const cli = loadPipelineFile(file);
    expect(cli.pipeline).toBeUndefined();
    expect(cli.errors.map((e) => e.path)).toEqual(['$.stages[1].requisiteStageRefIds[0]', '$.stages[0].type']);
    expect(() => loadPipeline(file)).toThrow(PipelineDefinitionError);
    expect(() => loadPipeline(file)).toThrow(/\$\.stages\[0\]\.type/);
    expect(await directoryRegistry(dir).list()).toEqual([]);
    expect((await directoryRegistry(dir).problems()).map((p) => p.message)).toEqual(cli.errors.map((e) => `${e.path}: ${e.message}`));
  });

  it('applies the definition budget in every reader of files', async () => {
    const stages = Array.from({ length: 900 }, (_, i) => ({
      refId: String(i + 1),
      type: 'wait',
      name: `W${i}`,
      waitTime: 1,
      ...(i > 0 ? { requisiteStageRefIds: [String(i)] } : {}),
    }));
    const big = JSON.stringify({ application: 'a', name: 'huge', stages });
    const dir = folder({ 'huge.json': big });
    const file = join(dir, 'huge.json');
    expect(loadPipelineFile(file).errors[0]?.message).toMatch(/over Step Functions' 1 MB limit/);
    expect(() => loadPipeline(file)).toThrow(/1 MB limit/);
    expect((await directoryRegistry(dir).problems())[0]?.message).toMatch(/1 MB limit/);
    // The CDK app refuses it, so it never reaches the manifest the trigger functions read.
  });

  it('loads real Spinnaker exports the same way in the CLI and at synth', () => {
    for (const name of ['001.json', '029.json', '036.json', '105.json']) {
      const cli = loadPipelineFile(join(EXAMPLES, name));
      expect(cli.errors, name).toEqual([]);
      expect(loadPipeline(join(EXAMPLES, name)).pipeline).toEqual(cli.pipeline);
    }
  });
});

describe('the one directory scan', () => {
  it('finds pipeline files recursively in a stable order, skipping hidden entries and other files', () => {
    const dir = folder({
      'b.json': noApplication,
      'a.yml': 'application: x\nstages: []\n',
      'team/c.yaml': 'application: x\nstages: []\n',
      '.hidden/d.json': noApplication,
      'README.md': '# no',
    });
    expect(scanPipelineFolder(dir).files.map((f) => f.slice(dir.length + 1))).toEqual(['a.yml', 'b.json', 'team/c.yaml']);
    expect(scanPipelineFolder(join(dir, 'missing')).problems[0]?.message).toMatch(/cannot read the folder/);
    expect(pipelinesIn(join(dir, 'missing'))).toEqual([]);
  });

  it('loads a folder or a file by the same call', () => {
    const dir = folder({ 'one.json': noApplication, 'sub/two.json': noApplication.replace('Wait', 'Other') });
    expect(loadPipelinePath(dir).files.map((f) => f.pipeline?.name)).toEqual(['one', 'two']);
    expect(loadPipelinePath(join(dir, 'one.json')).files.map((f) => f.pipeline?.name)).toEqual(['one']);
    expect(loadPipelinePath(join(dir, 'nope.json')).files[0]?.errors[0]?.message).toMatch(/cannot read .*ENOENT/);
  });
});
