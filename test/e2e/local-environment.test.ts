/**
 * The local environment as people use it: the CLI as child processes (several shells at once, run
 * from a folder inside the project), a real pseudo-terminal (util-linux `script`) where Ctrl-C and
 * the judgment prompt matter. One environment (its own emulator) for the file, brought up by the
 * first run, taken down at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoClient, resetClientCache } from '../../functions/core/aws-clients.js';
import { tableName } from '../../functions/core/tables.js';
import { cli, projectRoot, startCli, type CliProcess } from '../support/cli-process.js';

const state = mkdtempSync(join(tmpdir(), 'gennaker-env-'));
const pipelines = mkdtempSync(join(tmpdir(), 'gennaker-pipelines-'));
/** Every command runs from a folder inside the project, with no AWS endpoint of its own. */
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
const env = { ...clean, GENNAKER_STATE_DIR: state };
const inside = join(projectRoot, 'docs');
const gennaker = (...args: string[]) => cli(args, { cwd: inside, env });

function file(name: string, text: string): string {
  const path = join(pipelines, name);
  writeFileSync(path, text);
  return path;
}

const slow = file('slow.yml', 'application: slow\nname: slow\nstages:\n  - refId: "1"\n    type: wait\n    name: Long wait\n    waitTime: 600\n');
const params = file(
  'params.yml',
  'application: params\nname: params\nparameterConfig:\n  - name: env\n    required: true\n    hasOptions: true\n    options: [{ value: staging }, { value: prod }]\nstages:\n  - refId: "1"\n    type: wait\n    waitTime: 0\n',
);

async function json<T>(...args: string[]): Promise<T> {
  const r = await gennaker(...args, '-o', 'json');
  expect(r.err).toBe('');
  return JSON.parse(r.out) as T;
}

async function locksHeldBy(executionId: string): Promise<unknown[]> {
  const status = await json<{ endpoint: string }>('local', 'status');
  process.env.AWS_ENDPOINT_URL = status.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  resetClientCache();
  const out = await dynamoClient().send(new ScanCommand({ TableName: tableName('locks') }));
  return (out.Items ?? []).filter((i) => JSON.stringify(i).includes(executionId));
}

afterAll(async () => {
  await gennaker('local', 'down', '--force');
}, 60_000);

describe('the local environment', () => {
  it('npm start alone brings it up; afterwards clusters, executions and status work from a subfolder', async () => {
    const r = await gennaker('run', '--local', join(projectRoot, 'pipelines/demo.yml'), '--time-scale', '200');
    expect(r.out).toContain('Started the local environment');
    expect(r.out).toContain('Pipeline SUCCEEDED');
    expect(r.code).toBe(0);
    const clusters = await gennaker('clusters', 'demo');
    expect(clusters.code).toBe(0);
    expect(clusters.out).toMatch(/demo-staging-v001 +serving/);
    expect(clusters.out).toMatch(/demo-prod-v001 +serving/);
    // One column layout across clusters: capacity, image and health line up whatever the status says.
    const groups = clusters.out.split('\n').filter((l) => /^ {4}demo-/.test(l));
    expect(groups).toHaveLength(4);
    expect(new Set(groups.map((l) => l.search(/\d+\/\d+\/\d+ /))).size).toBe(1);
    expect(new Set(groups.map((l) => l.search(/ami-/))).size).toBe(1);
    const view = await json<{ clusters: Array<{ cluster: string }> }>('clusters', 'demo');
    expect(view.clusters.map((c) => c.cluster).sort()).toEqual(['demo-prod', 'demo-staging']);
    const id = /Execution (\S+)/.exec(r.out)![1]!;
    const shown = await gennaker('executions', 'show', id);
    expect(shown.out).toMatch(new RegExp(`^${id}  demo/release  SUCCEEDED`));
    expect(shown.out).toMatch(/✓ Roll out to prod +SUCCEEDED +\d/);
    const status = await json<{ up: boolean; executions: Record<string, number> }>('local', 'status');
    expect(status).toMatchObject({ up: true, executions: { SUCCEEDED: 1 } });
    // A second run reuses it.
    const again = await gennaker('run', '--local', params, '-p', 'env=staging');
    expect(again.out).not.toContain('Started the local environment');
    expect(again.code).toBe(0);
  }, 180_000);

  it('run --local checks parameters like trigger and exits 2 before starting anything', async () => {
    const missing = await gennaker('run', '--local', params);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('parameters.env: required parameter has no value');
    expect(missing.out).not.toContain('Running');
    const wrong = await gennaker('run', '--local', params, '-p', 'env=qa');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("parameters.env: 'qa' is not one of: staging, prod");
    const trigger = await cli(['trigger', 'params', 'params', '-p', 'env=qa', '--pipelines', pipelines], { cwd: inside, env });
    expect(trigger.code).toBe(2);
    expect(trigger.err).toContain("parameters.env: 'qa' is not one of: staging, prod");
  }, 60_000);

  it('a file in a shared folder (as /tmp) runs without reading the folder; a pipeline stage finds its child there', async () => {
    // A FIFO with a pipeline's name, as a shared folder may hold: reading it would wait forever.
    const shared = mkdtempSync(join(tmpdir(), 'gennaker-shared-'));
    execFileSync('mkfifo', [join(shared, 'someone-elses.json')]);
    writeFileSync(join(shared, 'alone.yml'), 'application: shared\nname: alone\nstages:\n  - refId: "1"\n    type: wait\n    waitTime: 0\n');
    writeFileSync(join(shared, 'child.yml'), 'application: shared\nname: child\nstages:\n  - refId: "1"\n    type: wait\n    waitTime: 0\n');
    writeFileSync(
      join(shared, 'parent.yml'),
      'application: shared\nname: parent\nstages:\n  - refId: "1"\n    type: pipeline\n    name: Child\n    application: shared\n    pipeline: child\n',
    );
    const alone = await gennaker('run', '--local', join(shared, 'alone.yml'));
    expect(alone.out).toContain('Pipeline SUCCEEDED');
    expect(alone.code).toBe(0);
    const parent = await gennaker('run', '--local', join(shared, 'parent.yml'), '--time-scale', '50');
    expect(parent.out).toContain('Pipeline SUCCEEDED');
    expect(parent.code).toBe(0);
    // A folder scan passes over what is not a file, too.
    const validated = await gennaker('validate', shared);
    expect(validated.out.trim().split('\n')).toHaveLength(3);
    expect(validated.code).toBe(0);
  }, 120_000);

  it('two runs at once, each reachable by id from other shells; cancel of a finished execution says so', async () => {
    const first = startCli(['run', '--local', slow], { cwd: inside, env });
    const second = startCli(['run', '--local', slow], { cwd: inside, env });
    const [, a] = await first.waitFor(/Execution (\S+)/);
    const [, b] = await second.waitFor(/Execution (\S+)/);
    await first.waitFor(/Long wait: RUNNING/);
    await second.waitFor(/Long wait: RUNNING/);
    const running = await json<Array<{ id: string }>>('executions', 'list', '--status', 'RUNNING');
    expect(running.map((r) => r.id).sort()).toEqual([a, b].sort());
    const canceled = await gennaker('cancel', a!);
    expect(canceled.out.trim()).toBe(`${a}: CANCELED`);
    expect((await first.done).code).toBe(1);
    expect(first.text()).toContain('Pipeline CANCELED');
    expect((await json<{ status: string }>('executions', 'show', b!)).status).toBe('RUNNING');
    await gennaker('cancel', b!);
    await second.done;
    const finished = await gennaker('cancel', a!);
    expect(finished.out.trim()).toBe(`${a}: already finished CANCELED; nothing to cancel`);
    const record = await json<{ status: string; stages: Array<{ status: string; endTime: number; startTime: number }> }>('executions', 'show', a!);
    expect(record.status).toBe('CANCELED');
    expect(record.stages[0]!.status).toBe('CANCELED');
    expect(record.stages[0]!.endTime).toBeGreaterThanOrEqual(record.stages[0]!.startTime);
  }, 120_000);

  it('Ctrl-C in a terminal cancels the run: record CANCELED, stage cleaned up, locks released, exit 130', async () => {
    const run = terminal(['run', '--local', join(projectRoot, 'pipelines/demo.yml'), '--time-scale', '2']);
    const [, id] = await run.waitFor(/Execution (\S+)/, 60_000);
    await run.waitFor(/Deploy to staging\s+RUNNING/, 60_000);
    run.child.stdin!.write('\x03');
    await run.waitFor(/Canceling execution \S+ \(Ctrl-C again to quit without waiting\)/);
    const done = await run.done;
    expect(done.code).toBe(130);
    expect(run.text()).toContain('Pipeline CANCELED');
    const record = await json<{ status: string; stages: Array<{ name: string; status: string }> }>('executions', 'show', id!);
    expect(record.status).toBe('CANCELED');
    expect(record.stages.find((s) => s.name === 'Deploy to staging')!.status).toBe('CANCELED');
    expect(await locksHeldBy(id!)).toEqual([]);
  }, 180_000);

  it('a second Ctrl-C quits at once, and the cancel command it prints ends the run as shown', async () => {
    const run = terminal(['run', '--local', slow]);
    const [, id] = await run.waitFor(/Execution (\S+)/, 60_000);
    await run.waitFor(/Long wait\s+RUNNING/, 60_000);
    run.child.stdin!.write('\x03');
    await run.waitFor(/Canceling execution/);
    run.child.stdin!.write('\x03');
    const [, command] = await run.waitFor(/Quit without waiting: .*\('([^']+)' ends it\)/);
    expect((await run.done).code).toBe(130);
    expect(command).toBe(`npx gennaker cancel ${id}`);
    // A record the quitting run may have left RUNNING is ended from another shell, exactly as printed.
    const ended = execFileSync('sh', ['-c', `${command} || true`], { cwd: inside, env, encoding: 'utf8' });
    expect(ended).toMatch(new RegExp(`^${id}: (CANCELED|already finished CANCELED; nothing to cancel)\n$`));
    expect((await json<{ status: string }>('executions', 'show', id!)).status).toBe('CANCELED');
    expect(await locksHeldBy(id!)).toEqual([]);
  }, 180_000);

  it('the judgment prompt prints a judge command that works as shown from another shell', async () => {
    const run = terminal(['run', '--local', join(projectRoot, 'pipelines/demo.yml'), '--time-scale', '200']);
    const [, hint] = await run.waitFor(/\(or from another shell: ([^\n)]+)\)/, 120_000);
    expect(hint).toMatch(/^npx gennaker judge \S+ 'Approve release' continue --input 'ship it'$/);
    // Exactly as printed, in a shell in the project (npm install puts no `gennaker` on PATH).
    const judged = execFileSync('sh', ['-c', hint!], { cwd: inside, env, encoding: 'utf8' });
    expect(judged).toContain('Approve release: continue (ship it) → SUCCEEDED');
    const done = await run.done;
    expect(run.text()).toContain('Pipeline SUCCEEDED');
    expect(done.code).toBe(0);
  }, 180_000);

  it('Ctrl-C at the judgment prompt cancels too, and judge without the input the stage asks for is refused', async () => {
    const run = terminal(['run', '--local', join(projectRoot, 'pipelines/demo.yml'), '--time-scale', '200']);
    const [, id] = await run.waitFor(/Execution (\S+)/, 60_000);
    await run.waitFor(/continue or stop\? \[c\/s\]/, 120_000);
    const noInput = await gennaker('judge', id!, 'Approve release', 'continue');
    expect(noInput.code).toBe(2);
    expect(noInput.err.trim()).toBe("gennaker: stage 'Approve release' asks for an input: add --input with one of 'ship it', hold");
    run.child.stdin!.write('\x03');
    const done = await run.done;
    expect(done.code).toBe(130);
    expect((await json<{ status: string }>('executions', 'show', id!)).status).toBe('CANCELED');
  }, 180_000);
});

/** The CLI in a pseudo-terminal through util-linux `script`. */
function terminal(args: string[]): CliProcess {
  const command = [process.execPath, join(projectRoot, 'cli/bin.mjs'), ...args].map((a) => `'${a}'`).join(' ');
  return startCli([], { cwd: inside, env, stdin: 'pipe', program: ['script', '-qfec', command, '/dev/null'] });
}
