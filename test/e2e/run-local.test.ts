/** `gennaker run --local` as `npm start` uses it: no terminal, judgments continued, record saved, exit code. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLocal } from '../../local/run-local.js';
import { useLocalAws } from '../support/local.js';

useLocalAws();

function streams() {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  err.on('data', (d: Buffer) => (text += d.toString()));
  const input = new PassThrough();
  return {
    out: out as unknown as NodeJS.WriteStream,
    err: err as unknown as NodeJS.WriteStream,
    input: input as unknown as NodeJS.ReadStream,
    text: () => text,
  };
}

describe('run --local', () => {
  beforeAll(() => {
    process.env.GENNAKER_STATE_DIR = mkdtempSync(join(tmpdir(), 'gennaker-state-'));
  });

  it('runs the demo pipeline end to end without a terminal and exits 0', async () => {
    const io = streams();
    const code = await runLocal({ file: 'pipelines/demo.yml', timeScale: 200, parameters: {}, ...io });
    const text = io.text();
    expect(text).toContain("answering 'continue' automatically (no terminal attached: --auto-judge continue|stop chooses)");
    expect(text).toContain('Pipeline SUCCEEDED');
    expect(code).toBe(0);
    // The sandbox seeds each cluster with a previous release; the run swaps in the baked one.
    const [before, after] = text.split('Clusters after the run:') as [string, string];
    expect(before).toMatch(
      /Local sandbox ready \(us-east-1: vpc-\w+, 2 subnets, target groups demo-staging, demo-prod, base image ami-\w+, seeded demo-staging-v000, demo-prod-v000 as the previous release\)/,
    );
    expect(before).toMatch(/Clusters before the run:\n {2}demo-staging \(local, us-east-1\)\n {4}demo-staging-v000 +SERVING +2 up/);
    expect(after).toMatch(/demo-staging-v000 +disabled +0 up, capacity 0\/0\/0[^\n]*\n {4}demo-staging-v001 +SERVING +2 up[^\n]*v1\.0\.0/);
    expect(after).toMatch(/demo-prod-v000 +disabled +0 up[^\n]*\n {4}demo-prod-v001 +SERVING +4 up, capacity 2\/4\/4[^\n]*v1\.0\.0/);
    const path = /Execution record: (\S+)/.exec(text)![1]!;
    const record = JSON.parse(readFileSync(path, 'utf8')) as { status: string };
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.stringify(record)).not.toContain('callbackToken');
  });

  it('exits 1 with the failed stage and why, and saves a complete record', async () => {
    const file = join(process.env.GENNAKER_STATE_DIR!, 'fails.yml');
    writeFileSync(
      file,
      'application: a\nname: fails\nstages:\n  - refId: "1"\n    type: checkPreconditions\n    name: Gate\n    preconditions:\n      - type: expression\n        context:\n          expression: "${false}"\n          failureMessage: gate closed\n',
    );
    const io = streams();
    const code = await runLocal({ file, timeScale: 1, parameters: {}, autoJudge: 'continue', ...io });
    expect(code).toBe(1);
    expect(io.text()).toContain("Pipeline TERMINAL: stage 'Gate' failed (expression: gate closed)");
    const record = JSON.parse(readFileSync(/Execution record: (\S+)/.exec(io.text())![1]!, 'utf8')) as { stages: unknown[]; endTime: number };
    expect(record.stages[0]).toMatchObject({ name: 'Gate', status: 'TERMINAL', error: 'expression: gate closed' });
    expect(record.endTime).toBeGreaterThan(0);
  });

  it("binds the pipeline's expected artifacts as the trigger path does: refused by name when unbound, else from --artifact, the prior run or the default", async () => {
    const file = join(process.env.GENNAKER_STATE_DIR!, 'artifacts.yml');
    const pipeline = (useDefault: boolean) =>
      [
        'application: a',
        'name: artifacts',
        'expectedArtifacts:',
        '  - id: image',
        '    displayName: app image',
        '    matchArtifact: { type: docker/image, name: repo/app }',
        `    useDefaultArtifact: ${useDefault}`,
        '    usePriorArtifact: true',
        '    defaultArtifact: { type: docker/image, name: repo/app, reference: "repo/app:0.9" }',
        'triggers:',
        '  - type: manual',
        '    enabled: true',
        '    expectedArtifactIds: [image]',
        'stages:',
        '  - refId: "1"',
        '    type: wait',
        '    name: Wait',
        '    waitTime: 1',
      ].join('\n');
    writeFileSync(file, pipeline(false));
    const refused = streams();
    expect(await runLocal({ file, timeScale: 100, parameters: {}, ...refused })).toBe(2);
    expect(refused.text()).toMatch(/artifacts\.yml: .*app image/);

    const given = streams();
    const artifact = { type: 'docker/image', name: 'repo/app', reference: 'repo/app:1.2' };
    expect(await runLocal({ file, timeScale: 100, parameters: {}, artifacts: [artifact], ...given })).toBe(0);
    const recordOf = (text: string) =>
      JSON.parse(readFileSync(/Execution record: (\S+)/.exec(text)![1]!, 'utf8')) as { trigger: { artifacts?: { reference?: string }[] } };
    expect(recordOf(given.text()).trigger.artifacts?.map((a) => a.reference)).toEqual(['repo/app:1.2']);

    // Nothing given: the prior run's artifact binds.
    const prior = streams();
    expect(await runLocal({ file, timeScale: 100, parameters: {}, ...prior })).toBe(0);
    expect(recordOf(prior.text()).trigger.artifacts?.map((a) => a.reference)).toEqual(['repo/app:1.2']);
  });

  it('exits 2 with one line per problem for an invalid pipeline', async () => {
    const file = join(process.env.GENNAKER_STATE_DIR!, 'invalid.yml');
    writeFileSync(file, 'application: a\nname: bad\nstages:\n  - refId: "1"\n    type: teleport\n');
    const io = streams();
    expect(await runLocal({ file, timeScale: 1, parameters: {}, ...io })).toBe(2);
    expect(io.text().trim()).toMatch(/^.*invalid\.yml: \$\.stages\[0\]\.type: unsupported stage type 'teleport'/);
  });
});
