/**
 * The console's actions and permissions, in Debian's Chromium against `gennaker console`'s server
 * (the real API handler, runs in-process, the emulator): restart a failed stage and see it run
 * again (a webhook stage calling a real server on 127.0.0.1 that fails, then succeeds), pause and
 * resume a running run, promote a progressive ECS deploy's held traffic step in the local sandbox
 * while the clusters view shows ECS services, EC2 server groups and a Lambda function with their
 * traffic weights, and users with and without READ and EXECUTE (identity headers the test server
 * believes, the API's Fiat permissions).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, startConsoleServer } from '../../local/console-server.js';
import { startMoto, type MotoServer } from '../../local/moto.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { fiatAuthorizer } from '../../functions/api/permissions.js';
import { createRole, putCode } from '../support/lambda/fixtures.js';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'console') : undefined;

let moto: MotoServer;
let server: ConsoleServer;
let browser: LaunchedBrowser;
let hooks: Server;
let deployStatus = 400;
const calls: string[] = [];

/**
 * One application on all three targets: a progressive ECS deploy whose first step (25%) has no
 * pauseSec, so it holds until promoted; a red/black EC2 deploy; a Lambda function with an alias.
 */
const SHIP = `
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
  - refId: api
    type: deploy
    name: Deploy the API on EC2
    clusters:
      - account: local
        application: shipecs
        stack: api
        cloudProvider: aws
        availabilityZones: { us-east-1: [us-east-1a, us-east-1b] }
        subnetType: internal
        amiName: gennaker-local-base
        instanceType: t3.micro
        capacity: { min: 1, max: 2, desired: 2 }
        targetGroups: [shipecs-api]
        strategy: redblack
        scaleDown: true
  - refId: fn
    type: Aws.LambdaDeploymentStage
    name: Deploy the worker function
    account: ''
    region: us-east-1
    functionName: shipecs-worker
    aliases: [live]
    description: worker 1.27
    handler: index.handler
    runtime: nodejs22.x
    role: arn:aws:iam::123456789012:role/shipecs-lambda
    memorySize: 128
    timeout: 3
    publish: true
    s3bucket: shipecs-artifacts
    s3key: worker/1.27.zip
`;

/** Permissions for one application only (the others stay open, as Fiat leaves unlisted ones). */
const PERMISSIONS = { guarded: { READ: ['viewers'], EXECUTE: ['deployers'] } };

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
  writeFileSync(join(pipelines, 'progressive.yml'), SHIP);
  writeFileSync(
    join(pipelines, 'guarded.yml'),
    'application: guarded\nname: guarded\nstages:\n  - { refId: approve, type: manualJudgment, name: Approve, instructions: "Ship it?" }\n  - { refId: soak, type: wait, name: Soak, waitTime: 3600, requisiteStageRefIds: [approve] }\n',
  );
  // The Lambda deploy's code and role, in the emulator.
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  await createRole('shipecs-lambda');
  await putCode('worker/1.27.zip', 'worker code', 'shipecs-artifacts');
  server = await startConsoleServer({
    port: 0,
    pipelinesDir: pipelines,
    timeScale: 100,
    endpoint: moto.endpoint,
    trustIdentityHeaders: true,
    authorizer: fiatAuthorizer(PERMISSIONS),
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await moto?.stop();
  await new Promise((resolve) => hooks?.close(resolve));
});

async function open(path: string, headers?: Record<string, string>): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  if (headers) await page.setExtraHTTPHeaders(headers);
  await page.goto(`${server.url}${path}`);
  return page;
}

async function startRun(application: string, pipeline: string): Promise<Page> {
  const page = await open(`/applications/${application}/pipelines/${pipeline}/start`);
  await page.locator('[data-action=run]').click();
  await page.waitForURL(/\/executions\//, { timeout: 30_000 });
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The rows of a server-group table, newest first, as [name, ...the attributes asked for]. */
async function rowsOf(table: Locator, ...attributes: string[]): Promise<Array<Array<string | null>>> {
  const rows = table.locator('tr[data-server-group]');
  const out: Array<Array<string | null>> = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push([await row.getAttribute('data-server-group'), ...(await Promise.all(attributes.map((a) => row.getAttribute(a))))]);
  }
  return out;
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

describe('promote a held traffic step, and the clusters of all three targets', () => {
  it('shows the ECS deploy holding at 25% with its weights beside EC2 and Lambda, promotes it from the page, and the clusters follow', async () => {
    const page = await startRun('shipecs', 'progressive');
    const held = page.locator('.promotion .instructions');
    await expect.poll(() => held.count(), { timeout: 120_000 }).toBe(1);
    expect(await held.textContent()).toBe('Traffic held at 25% (step 1) until promoted.');
    expect(await node(page, 'deploy').getAttribute('data-status')).toBe('RUNNING');
    await expect.poll(() => node(page, 'api').getAttribute('data-status'), { timeout: 120_000 }).toBe('SUCCEEDED');
    await expect.poll(() => node(page, 'fn').getAttribute('data-status'), { timeout: 60_000 }).toBe('SUCCEEDED');
    const executionId = decodeURIComponent(page.url().split('/executions/')[1]!.split('?')[0]!);
    const link = `/executions/${encodeURIComponent(executionId)}`;

    // While it holds: the new service serves a quarter through its canary target group, the old three quarters.
    const clusters = await open('/applications/shipecs/clusters');
    const ecs = clusters.locator('table[data-provider=ecs]');
    const row = (name: string) => clusters.locator(`tr[data-server-group="${name}"]`);
    await row('shipecs-web-v001').waitFor({ timeout: 30_000 });
    expect(await rowsOf(ecs, 'data-traffic')).toEqual([
      ['shipecs-web-v001', '25'],
      ['shipecs-web-v000', '75'],
    ]);
    expect(await row('shipecs-web-v001').locator('td.image').textContent()).toContain('public.ecr.aws/nginx/nginx:1.27');
    expect(await row('shipecs-web-v001').getByRole('link').getAttribute('href')).toBe(link);
    expect(await row('shipecs-web-v001').locator('.health').getAttribute('aria-label')).toMatch(/^\d of 1 tasks up$/);
    // EC2 beside it: the red/black deploy's new group serves, the previous release is disabled; no listener, no weight.
    const ec2 = clusters.locator('table[data-provider=aws]');
    expect(await ec2.getAttribute('data-cluster')).toBe('shipecs-api');
    expect(await row('shipecs-api-v001').getAttribute('data-enabled')).toBe('true');
    expect(await row('shipecs-api-v000').getAttribute('data-enabled')).toBe('false');
    expect(await row('shipecs-api-v001').getAttribute('data-traffic')).toBe('');
    expect(await row('shipecs-api-v001').locator('td.image').textContent()).toMatch(/^ami-\w+ t3\.micro$/);
    expect(await row('shipecs-api-v001').getByRole('link').getAttribute('href')).toBe(link);
    // And the Lambda function: its version, its alias's traffic, the run that deployed it.
    const fn = clusters.locator('tr[data-function="shipecs-worker"]');
    expect(await fn.locator('[data-alias=live] .alias-weight').textContent()).toBe('v1 100%');
    expect(await fn.locator('td').first().textContent()).toBe('1');
    expect(await fn.getByRole('link').getAttribute('href')).toBe(link);
    await shot(clusters, 'clusters-progressive');

    await page.locator('[data-action=promote]').click();
    await expect.poll(() => badge(page), { timeout: 120_000 }).toBe('succeeded');
    expect(await held.count()).toBe(0);
    await page.getByText('Context').click();
    expect(await page.locator('.stage-panel pre').first().textContent()).toMatch(/"promoted": \[\s*0\s*\]/);

    // After: the new service takes all the traffic; the old one, disabled, none.
    await clusters.reload();
    await expect
      .poll(() => rowsOf(ecs, 'data-enabled', 'data-traffic'), {
        timeout: 30_000,
      })
      .toEqual([
        ['shipecs-web-v001', 'true', '100'],
        ['shipecs-web-v000', 'false', '0'],
      ]);
    await clusters.close();
    await page.close();
  }, 300_000);
});

describe('permissions in the page', () => {
  const as = (user: string, roles: string) => ({ 'x-gennaker-user': user, 'x-gennaker-roles': roles });
  const STRANGER = as('sam', 'nobody');
  const VIEWER = as('vera', 'viewers');
  const DEPLOYER = as('dora', 'deployers');

  it('GIVEN a user without READ THEN the application is nowhere: not listed, and its pages, runs and clusters say Forbidden once', async () => {
    const deployer = await open('/applications/guarded/pipelines/guarded/start', DEPLOYER);
    await deployer.locator('[data-action=run]').click();
    await deployer.waitForURL(/\/executions\//, { timeout: 30_000 });
    const runPath = new URL(deployer.url()).pathname;
    await expect.poll(() => node(deployer, 'approve').getAttribute('data-status'), { timeout: 60_000 }).toBe('RUNNING');

    const page = await open('/', STRANGER);
    await page.getByRole('link', { name: 'hooks', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'guarded', exact: true }).count()).toBe(0);
    for (const path of ['/applications/guarded', runPath, '/applications/guarded/clusters', '/applications/guarded/pipelines/guarded/start']) {
      await page.goto(`${server.url}${path}`);
      const alert = page.getByRole('alert');
      await alert.first().waitFor({ timeout: 20_000 });
      expect(await alert.count(), path).toBe(1);
      expect(await alert.textContent(), path).toMatch(/^Forbidden.*sam lacks READ permission on application 'guarded'/);
      expect(await page.locator('.stage-node, .execution-bar, [data-action], tr[data-server-group]').count(), path).toBe(0);
    }
    await page.close();

    // READ only: the run and its judgment's instructions, but no action anywhere.
    const viewer = await open(runPath, VIEWER);
    await expect.poll(() => node(viewer, 'approve').getAttribute('data-status'), { timeout: 30_000 }).toBe('RUNNING');
    await expect
      .poll(() => viewer.locator('.read-only').textContent(), { timeout: 20_000 })
      .toBe('You may view this run; acting on it needs EXECUTE on guarded.');
    expect(await viewer.locator('.judgment .instructions').textContent()).toBe('Ship it?');
    expect(await viewer.locator('[data-action]').count()).toBe(0);
    await viewer.goto(`${server.url}/applications/guarded`);
    await viewer.locator('.card').first().waitFor();
    await expect.poll(() => viewer.locator('.active-runs li').count(), { timeout: 20_000 }).toBe(1);
    expect(await viewer.locator('[data-action=start]').count()).toBe(0);

    // Forced: the page is told it may act (a stale or tampered answer); the API refuses, one clear message.
    await viewer.route('**/api/applications', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { applications: Array<{ name: string; permissions: string[] }> };
      await route.fulfill({ response, json: { applications: body.applications.map((a) => ({ ...a, permissions: ['READ', 'EXECUTE'] })) } });
    });
    await viewer.goto(`${server.url}${runPath}`);
    await viewer.locator('[data-action=cancel]').click();
    await viewer.locator('[data-action=confirm-cancel]').click();
    const alert = viewer.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.count()).toBe(1);
    expect(await alert.textContent()).toBe("Forbidden Not allowed: vera lacks EXECUTE permission on application 'guarded'");
    await shot(viewer, 'run-forbidden');
    await viewer.locator('[data-action=judge-continue]').click();
    await expect.poll(() => alert.count()).toBe(1);
    expect(await badge(viewer)).toBe('running');
    await viewer.close();

    // EXECUTE: the buttons are there and work.
    await deployer.locator('[data-action=judge-continue]').click();
    await expect.poll(() => node(deployer, 'soak').getAttribute('data-status'), { timeout: 60_000 }).toBe('RUNNING');
    await deployer.locator('[data-action=cancel]').click();
    await deployer.locator('[data-action=confirm-cancel]').click();
    await expect.poll(() => badge(deployer), { timeout: 30_000 }).toBe('canceled');
    expect(await deployer.getByRole('alert').count()).toBe(0);
    await deployer.close();
  }, 180_000);
});
