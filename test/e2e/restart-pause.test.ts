/**
 * `gennaker restart`, `pause` and `resume` as people use them: CLI processes against one local
 * environment (its own emulator), a run in one shell and the commands in another, webhook stages
 * calling a real HTTP server on 127.0.0.1.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, projectRoot, startCli } from '../support/cli-process.js';

const state = mkdtempSync(join(tmpdir(), 'gennaker-restart-'));
const pipelines = mkdtempSync(join(tmpdir(), 'gennaker-restart-pipelines-'));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
const env = { ...clean, GENNAKER_STATE_DIR: state };
const inside = join(projectRoot, 'docs');
const gennaker = (...args: string[]) => cli(args, { cwd: inside, env });

let server: Server;
let url = '';
let deployStatus = 400;
const calls: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    calls.push(req.url ?? '');
    req.resume();
    res.writeHead(req.url === '/deploy' ? deployStatus : 200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await gennaker('local', 'down', '--force');
  await new Promise((resolve) => server.close(resolve));
}, 60_000);

function file(name: string, text: string): string {
  const path = join(pipelines, name);
  writeFileSync(path, text);
  return path;
}

async function show(id: string): Promise<{ status: string; stages: Array<{ name: string; status: string }>; paused?: { pausedMs: number } }> {
  const r = await gennaker('executions', 'show', id, '-o', 'json');
  return JSON.parse(r.out) as never;
}

describe('gennaker restart', () => {
  it('GIVEN a local run whose webhook stage failed WHEN the stage is restarted THEN the run goes on from it and succeeds, the stage before it not called again', async () => {
    const pipeline = file(
      'hooks.yml',
      `application: hooks\nname: hooks\nstages:\n  - { refId: "1", type: webhook, name: Notify, url: "${url}/notify", method: POST }\n  - { refId: "2", type: webhook, name: Deploy, url: "${url}/deploy", method: POST, requisiteStageRefIds: ["1"] }\n  - { refId: "3", type: wait, name: Soak, waitTime: 1, requisiteStageRefIds: ["2"] }\n`,
    );
    const failed = await gennaker('run', '--local', pipeline, '--time-scale', '50');
    expect(failed.code, failed.out + failed.err).toBe(1);
    expect(failed.out).toContain("Pipeline TERMINAL: stage 'Deploy' failed");
    const id = /Execution (\S+)/.exec(failed.out)![1]!;

    // Still failing: the restart runs the stage again and fails again (exit 1).
    const again = await gennaker('restart', id, 'Deploy', '--time-scale', '50');
    expect(again.code, again.out + again.err).toBe(1);
    expect(again.out).toContain(`Restarting 'Deploy', 'Soak' of ${id}`);

    deployStatus = 200;
    const restarted = await gennaker('restart', id, '2', '--time-scale', '50');
    expect(restarted.code, restarted.out + restarted.err).toBe(0);
    expect(restarted.out).toContain('Pipeline SUCCEEDED');
    expect(restarted.out).toMatch(/Deploy\s+SUCCEEDED.*restarted by/);
    const view = await show(id);
    expect(view.status).toBe('SUCCEEDED');
    expect(view.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(calls.filter((c) => c === '/notify')).toHaveLength(1);
    expect(calls.filter((c) => c === '/deploy')).toHaveLength(3);

    // A stage that did not fail, a stage that is not there: clear errors, exit 1.
    const notFailed = await gennaker('restart', id, 'Notify');
    expect(notFailed.code).toBe(1);
    expect(notFailed.err).toContain("gennaker: stage 'Notify' of");
    expect(notFailed.err).toContain('is SUCCEEDED: only a failed or canceled stage (TERMINAL, STOPPED, CANCELED, FAILED_CONTINUE) can be restarted');
    const missing = await gennaker('restart', id, 'Nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`execution ${id} has no stage 'Nope'`);
  }, 300_000);
});

describe('gennaker pause and resume', () => {
  it('GIVEN a local run in a wait stage WHEN paused from another shell THEN nothing progresses, a restart is refused, and resume lets it finish; cancel works while paused', async () => {
    const pipeline = file(
      'soak.yml',
      'application: soak\nname: soak\nstages:\n  - { refId: "1", type: wait, name: Soak, waitTime: 40 }\n  - { refId: "2", type: wait, name: After, waitTime: 0, requisiteStageRefIds: ["1"] }\n',
    );
    const run = startCli(['run', '--local', pipeline], { cwd: inside, env });
    const id = (await run.waitFor(/Execution (\S+)/, 120_000))[1]!;
    await run.waitFor(/Soak: RUNNING/, 60_000);

    const paused = await gennaker('pause', id);
    expect(paused.code, paused.err).toBe(0);
    expect(paused.out.trim()).toBe(`${id}: PAUSED`);
    expect((await gennaker('pause', id)).out.trim()).toBe(`${id}: PAUSED (already)`);
    await new Promise((r) => setTimeout(r, 3000));
    const during = await show(id);
    expect(during.status).toBe('PAUSED');
    expect(during.stages.map((s) => s.status)).toEqual(['RUNNING', 'NOT_STARTED']);
    const tree = await gennaker('executions', 'show', id);
    expect(tree.out).toMatch(/PAUSED .*\(paused \d.* by .*: 'npx gennaker resume /);

    const refused = await gennaker('restart', id, 'Soak');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`execution ${id} is PAUSED: only a stage of a finished execution can be restarted`);
    // Refused before anything is set up or printed.
    expect(refused.out).toBe('');

    const resumed = await gennaker('resume', id, '-o', 'json');
    expect(resumed.code, resumed.err).toBe(0);
    const body = JSON.parse(resumed.out) as { status: string; paused: { pausedMs: number } };
    expect(body.status).toBe('RUNNING');
    expect(body.paused.pausedMs).toBeGreaterThanOrEqual(3000);
    const done = await run.done;
    expect(done.code, done.out + done.err).toBe(0);
    expect(done.out).toContain('Pipeline SUCCEEDED');

    // Cancel while paused: the run's own process ends it CANCELED.
    const second = startCli(['run', '--local', pipeline], { cwd: inside, env });
    const id2 = (await second.waitFor(/Execution (\S+)/, 120_000))[1]!;
    await second.waitFor(/Soak: RUNNING/, 60_000);
    expect((await gennaker('pause', id2)).code).toBe(0);
    const canceled = await gennaker('cancel', id2);
    expect(canceled.code, canceled.err).toBe(0);
    expect(canceled.out.trim()).toBe(`${id2}: CANCELED`);
    expect((await second.done).code).toBe(1);
    const resumeFinished = await gennaker('resume', id2);
    expect(resumeFinished.code).toBe(1);
    expect(resumeFinished.err).toContain(`execution ${id2} is CANCELED: only a PAUSED execution can be resumed`);
  }, 300_000);
});
