/**
 * The console's actions on a run, in Debian's Chromium against `gennaker console`'s server (the
 * real API handler, runs in-process, the emulator): restart a failed stage and see it run again
 * (a webhook stage calling a real server on 127.0.0.1 that fails, then succeeds), pause and resume
 * a running run, and promote a progressive ECS deploy's held traffic step in the local sandbox.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, startConsoleServer } from '../../local/console-server.js';
import { startMoto, type MotoServer } from '../../local/moto.js';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';

let moto: MotoServer;
let server: ConsoleServer;
let browser: LaunchedBrowser;
let hooks: Server;
let deployStatus = 400;
const calls: string[] = [];

/** A progressive ECS deploy whose first step (25%) has no pauseSec: it holds until promoted. */
const PROGRESSIVE = `
application: shipecs
name: progressive
stages:
  - refId: deploy
    type: deploy
    name: Deploy progressively
    clusters:
      - account: local
        application: shipecs
        stack: web
        cloudProvider: ecs
        availabilityZones: { us-east-1: [us-east-1a, us-east-1b] }
        ecsClusterName: ship
        launchType: FARGATE
        networkMode: awsvpc
        subnetType: internal
        securityGroupNames: [gennaker-local]
        capacity: { min: 1, max: 2, desired: 1 }
        computeUnits: 256
        reservedMemory: 512
        containerPort: 80
        targetGroup: shipecs-web
        loadBalancedContainer: web
        imageDescription: { registry: public.ecr.aws, repository: nginx/nginx, tag: '1.27', fromTrigger: false }
        strategy: progressive
        trafficSteps: [{ weight: 25 }, { weight: 100 }]
        scaleDown: true
`;

beforeAll(async () => {
  hooks = createServer((req, res) => {
    calls.push(req.url ?? '');
    req.resume();
    res.writeHead(req.url === '/deploy' ? deployStatus : 200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const address = hooks.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  process.env.GENNAKER_STATE_DIR = mkdtempSync(join(tmpdir(), 'gennaker-console-actions-state-'));
  moto = await startMoto();
  process.env.AWS_REGION = 'us-east-1';
  const pipelines = mkdtempSync(join(tmpdir(), 'gennaker-console-actions-'));
  writeFileSync(
    join(pipelines, 'hooks.yml'),
    `application: hooks\nname: hooks\nstages:\n  - { refId: "1", type: webhook, name: Notify, url: "${url}/notify", method: POST }\n  - { refId: "2", type: webhook, name: Deploy, url: "${url}/deploy", method: POST, requisiteStageRefIds: ["1"] }\n  - { refId: "3", type: wait, name: Soak, waitTime: 1, requisiteStageRefIds: ["2"] }\n`,
  );
  writeFileSync(
    join(pipelines, 'waits.yml'),
    'application: waits\nname: waits\nstages:\n  - { refId: "1", type: wait, name: Long wait, waitTime: 3600 }\n  - { refId: "2", type: wait, name: After, waitTime: 1, requisiteStageRefIds: ["1"] }\n',
  );
  writeFileSync(join(pipelines, 'progressive.yml'), PROGRESSIVE);
  server = await startConsoleServer({ port: 0, pipelinesDir: pipelines, timeScale: 100, endpoint: moto.endpoint });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await moto?.stop();
  await new Promise((resolve) => hooks?.close(resolve));
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

async function startRun(application: string, pipeline: string): Promise<Page> {
  const page = await open(`/applications/${application}/pipelines/${pipeline}/start`);
  await page.locator('[data-action=run]').click();
  await page.waitForURL(/\/executions\//, { timeout: 30_000 });
  return page;
}

const node = (page: Page, refId: string) => page.locator(`.stage-node[data-ref-id="${refId}"]`);
const badge = (page: Page) => page.locator('h1 .badge').textContent();

describe('restart a failed stage', () => {
  it('shows the restart button on the failed stage, runs it and the stages after it again, and the run succeeds', async () => {
    const page = await startRun('hooks', 'hooks');
    await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('terminal');
    expect(await node(page, '2').getAttribute('data-status')).toBe('TERMINAL');
    expect(await node(page, '3').getAttribute('data-status')).toBe('NOT_STARTED');
    // The failed stage is the one shown; the stage that succeeded offers no restart.
    await expect.poll(() => page.locator('#stage-title').textContent()).toBe('Deploy');
    await page.locator('[data-action=restart]').waitFor({ timeout: 20_000 });
    await node(page, '1').click();
    await expect.poll(() => page.locator('#stage-title').textContent()).toBe('Notify');
    expect(await page.locator('[data-action=restart]').count()).toBe(0);
    await node(page, '2').click();
    expect(calls.filter((c) => c === '/deploy')).toHaveLength(1);

    deployStatus = 200;
    await page.locator('[data-action=restart]').click();
    await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('succeeded');
    expect(await node(page, '2').getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await node(page, '3').getAttribute('data-status')).toBe('SUCCEEDED');
    await expect.poll(() => page.locator('.stage-panel .restarted').textContent()).toMatch(/^Restarted by .* \(was terminal\)$/);
    // Run again: the restarted stage called its server a second time, the stage before it did not.
    expect(calls.filter((c) => c === '/deploy')).toHaveLength(2);
    expect(calls.filter((c) => c === '/notify')).toHaveLength(1);
    expect(await page.locator('[data-action=restart]').count()).toBe(0);
    await page.close();
  }, 180_000);
});

describe('pause and resume', () => {
  it('pauses a running run from the page, shows who paused it, and resumes it', async () => {
    const page = await startRun('waits', 'waits');
    await expect.poll(() => node(page, '1').getAttribute('data-status'), { timeout: 30_000 }).toBe('RUNNING');
    await page.locator('[data-action=pause]').click();
    await expect.poll(() => badge(page), { timeout: 30_000 }).toBe('paused');
    expect(await page.locator('.paused-note').textContent()).toMatch(/^Paused by /);
    expect(await page.locator('[data-action=pause]').count()).toBe(0);
    await page.locator('[data-action=resume]').click();
    await expect.poll(() => badge(page), { timeout: 30_000 }).toBe('running');
    expect(await page.locator('.paused-note').count()).toBe(0);
    await page.locator('[data-action=cancel]').click();
    await page.locator('[data-action=confirm-cancel]').click();
    await expect.poll(() => badge(page), { timeout: 30_000 }).toBe('canceled');
    await page.close();
  }, 120_000);
});

describe('promote a held traffic step', () => {
  it('shows the progressive ECS deploy holding at 25% and promotes it from the page to the end', async () => {
    const page = await startRun('shipecs', 'progressive');
    const held = page.locator('.promotion .instructions');
    await expect.poll(() => held.count(), { timeout: 120_000 }).toBe(1);
    expect(await held.textContent()).toBe('Traffic held at 25% (step 1) until promoted.');
    expect(await node(page, 'deploy').getAttribute('data-status')).toBe('RUNNING');
    await page.locator('[data-action=promote]').click();
    await expect.poll(() => badge(page), { timeout: 120_000 }).toBe('succeeded');
    expect(await held.count()).toBe(0);
    await page.getByText('Context').click();
    expect(await page.locator('.stage-panel pre').first().textContent()).toMatch(/"promoted": \[\s*0\s*\]/);
    await page.close();
  }, 240_000);
});
