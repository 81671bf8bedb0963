/**
 * The console in Debian's Chromium against `gennaker console`'s server (the real API handler, runs
 * in-process, the emulator): watch the demo run progress and judge it from the page, see the
 * clusters change, cancel a run, start one with its parameter form, conditional polling, one
 * clear message for API errors, keyboard use and dark mode. UPDATE_SCREENSHOTS=1 also rewrites
 * the screenshots under docs/console/ that the README shows.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, startConsoleServer } from '../../local/console-server.js';
import { startMoto, type MotoServer } from '../../local/moto.js';
import { runLocal } from '../../local/run-local.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'console') : undefined;

const SLOW = `
application: shop
name: slow
parameterConfig:
  - name: env
    label: Environment
    required: true
    hasOptions: true
    options: [{ value: staging }, { value: prod }]
  - name: note
    description: anything
stages:
  - { refId: "1", type: wait, name: Warm up, waitTime: 1 }
  - { refId: "2", type: wait, name: Left branch, waitTime: 3600, requisiteStageRefIds: ["1"] }
  - { refId: "3", type: wait, name: Right branch, waitTime: 3600, requisiteStageRefIds: ["1"] }
  - { refId: "4", type: wait, name: Join, waitTime: 1, requisiteStageRefIds: ["2", "3"] }
`;

let moto: MotoServer;
let server: ConsoleServer;
let browser: LaunchedBrowser;
const stateDir = mkdtempSync(join(tmpdir(), 'gennaker-console-state-'));

beforeAll(async () => {
  process.env.GENNAKER_STATE_DIR = stateDir;
  moto = await startMoto();
  process.env.AWS_REGION = 'us-east-1';
  const pipelines = mkdtempSync(join(tmpdir(), 'gennaker-console-pipelines-'));
  copyFileSync(join(REPO_ROOT, 'pipelines', 'demo.yml'), join(pipelines, 'demo.yml'));
  writeFileSync(join(pipelines, 'slow.yml'), SLOW);
  server = await startConsoleServer({ port: 0, pipelinesDir: pipelines, timeScale: 100, endpoint: moto.endpoint });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await moto?.stop();
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const node = (page: Page, refId: string) => page.locator(`.stage-node[data-ref-id="${refId}"]`);

describe('the demo run, from the page', () => {
  it('starts it with its parameter form, shows it progress, judges it, and the clusters change', async () => {
    const page = await open('/');
    await page.getByRole('link', { name: 'demo', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('demo');

    // Clusters before: the sandbox's previous release serves.
    const clusters = await open('/applications/demo/clusters');
    await clusters.locator('tr[data-server-group="demo-staging-v000"]').waitFor();
    expect(await clusters.locator('tr[data-server-group="demo-staging-v000"]').getAttribute('data-enabled')).toBe('true');
    expect(await clusters.locator('tr[data-server-group="demo-staging-v001"]').count()).toBe(0);

    await page.locator('[data-action=start]').click();
    const version = page.getByLabel('Version to release');
    await expect.poll(() => version.inputValue()).toBe('1.0.0');
    await version.fill('2.4.0');
    await shot(page, 'start-run');
    await page.locator('[data-action=run]').click();
    await page.waitForURL(/\/executions\//);
    const executionId = decodeURIComponent(page.url().split('/executions/')[1]!);

    // Live: the bake stage is seen running, then done; the graph waits at the judgment.
    await expect.poll(() => node(page, 'bake').getAttribute('data-status'), { timeout: 30_000 }).toMatch(/RUNNING|SUCCEEDED/);
    await expect.poll(() => node(page, 'judge').getAttribute('data-status'), { timeout: 60_000 }).toBe('RUNNING');
    expect(await node(page, 'bake').getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await node(page, 'prod').getAttribute('data-status')).toBe('NOT_STARTED');
    await expect.poll(() => page.locator('.judgment .instructions').textContent()).toBe('Staging serves 2.4.0. Roll it out to prod?');
    await shot(page, 'run-judgment');

    // Clusters mid-run: staging has the new server group, deployed by this run.
    await clusters.reload();
    const staging = clusters.locator('tr[data-server-group="demo-staging-v001"]');
    await staging.waitFor();
    expect(await staging.getAttribute('data-enabled')).toBe('true');
    expect(await staging.getByRole('link').getAttribute('href')).toBe(`/executions/${encodeURIComponent(executionId)}`);
    expect(await clusters.locator('tr[data-server-group="demo-prod-v001"]').count()).toBe(0);

    // While it waits nothing changes: the polls are answered 304 (If-None-Match).
    const unchanged = await page.waitForResponse((r) => r.url().includes('/api/executions/') && r.status() === 304, { timeout: 10_000 });
    expect(unchanged.headers().etag).toMatch(/^W\//);

    await page.getByLabel('Judgment input').selectOption('ship it');
    await page.locator('[data-action=judge-continue]').click();
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 90_000 }).toBe('succeeded');
    expect(await node(page, 'prod').getAttribute('data-status')).toBe('SUCCEEDED');
    await expect.poll(() => page.locator('.toolbar [data-action=cancel]').count()).toBe(0);
    await node(page, 'judge').click();
    await page.getByText('Context').click();
    expect(await page.locator('.stage-panel pre').first().textContent()).toContain('"judgmentInput": "ship it"');
    await shot(page, 'run');

    // Clusters after: prod rolled to v001; the previous release no longer serves.
    await clusters.reload();
    await clusters.locator('tr[data-server-group="demo-prod-v001"]').waitFor();
    expect(await clusters.locator('tr[data-server-group="demo-prod-v001"]').getAttribute('data-enabled')).toBe('true');
    expect(await clusters.locator('tr[data-server-group="demo-prod-v000"]').getAttribute('data-enabled')).toBe('false');
    await shot(clusters, 'clusters');

    // The application page shows the run as an execution bar, one segment per stage.
    await page.goto(`${server.url}/applications/demo`);
    const bar = page.locator(`a.execution-bar[href="/executions/${encodeURIComponent(executionId)}"]`);
    await bar.waitFor();
    expect(await bar.locator('.segment').count()).toBe(6);
    expect(await bar.locator('.segment.status-succeeded').count()).toBe(6);
    await shot(page, 'application');
    await clusters.close();
    await page.close();
  }, 240_000);
});

describe('a run with parallel branches', () => {
  it('is started with an options form, draws branches side by side, and is canceled from the page', async () => {
    const page = await open('/applications/shop/pipelines/slow/start');
    await page.getByLabel('Environment').selectOption('prod');
    await page.locator('[data-action=run]').click();
    await page.waitForURL(/\/executions\//);
    await expect.poll(() => node(page, '2').getAttribute('data-status'), { timeout: 30_000 }).toBe('RUNNING');
    // Parallel branches: same column, different rows; the join after both.
    const [left, right, join] = await Promise.all(['2', '3', '4'].map((r) => node(page, r).boundingBox()));
    expect(left!.x).toBe(right!.x);
    expect(left!.y).not.toBe(right!.y);
    expect(join!.x).toBeGreaterThan(left!.x);
    expect(await page.locator('.parameters dt').allTextContents()).toEqual(['env', 'note']);
    expect(await page.locator('.parameters dd').first().textContent()).toBe('prod');

    // Waiting runs are listed as running now on the application page.
    const app = await open('/applications/shop');
    await expect.poll(() => app.locator('.active-runs li').count()).toBe(1);
    expect(await app.locator('.active-runs li').textContent()).toContain('at Left branch, Right branch');
    await app.close();

    await page.locator('[data-action=cancel]').click();
    await page.locator('[data-action=confirm-cancel]').click();
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 30_000 }).toBe('canceled');
    expect(await node(page, '2').getAttribute('data-status')).toBe('CANCELED');
    expect(await page.locator('.run-error').first().textContent()).toMatch(/canceled by/);
    await page.close();
  }, 120_000);

  it('shows the API refusing bad parameters as one message, and a missing run as not found', async () => {
    const page = await open('/applications/shop/pipelines/slow/start');
    await page.getByLabel('Environment').waitFor();
    // Forced past the form: a value that is not an option.
    await page.evaluate("document.querySelector('select[name=env]').add(new Option('qa', 'qa'))");
    await page.getByLabel('Environment').selectOption('qa');
    await page.locator('[data-action=run]').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.count()).toBe(1);
    expect(await alert.textContent()).toContain("'qa' is not one of: staging, prod");
    expect(page.url()).toContain('/start');

    await page.goto(`${server.url}/executions/no-such-run`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/^Not found.*no execution 'no-such-run'/);
    await page.close();
  }, 60_000);
});

describe('a local run', () => {
  it('prints the console link of its execution, and the link opens the run', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gennaker-console-run-')), 'quick.yml');
    writeFileSync(file, 'application: quick\nname: quick\nstages:\n  - { refId: "1", type: wait, name: Pause, waitTime: 1 }\n');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    // As in another shell: only .gennaker/console.json says a console is open on this emulator.
    const before = process.env.GENNAKER_CONSOLE_URL;
    delete process.env.GENNAKER_CONSOLE_URL;
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    try {
      const code = await runLocal({ file, timeScale: 100, parameters: {}, input: new PassThrough() as never, out: out as never, err: out as never });
      expect(code).toBe(0);
    } finally {
      process.env.GENNAKER_CONSOLE_URL = before;
    }
    const link = /^Console: (\S+)$/m.exec(text)?.[1];
    expect(link).toMatch(new RegExp(`^${server.url}/executions/quick-`));
    const page = await open(link!.slice(server.url.length));
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 20_000 }).toBe('succeeded');
    expect(await node(page, '1').getAttribute('data-status')).toBe('SUCCEEDED');
    await page.close();
  }, 60_000);
});

describe('accessibility', () => {
  it('moves through the stage graph with the keyboard, and follows dark mode', async () => {
    const page = await open('/applications/shop/pipelines/slow/start');
    await page.getByLabel('Environment').selectOption('staging');
    await page.locator('[data-action=run]').click();
    await page.waitForURL(/\/executions\//);
    await node(page, '1').waitFor();
    await node(page, '3').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => node(page, '3').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#stage-title').textContent()).toBe('Right branch');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#stage-title').textContent()).toBe('Left branch');

    const dark = await launchChromium({ colorScheme: 'dark' });
    try {
      const darkPage = await dark.context.newPage();
      await darkPage.goto(page.url());
      await darkPage.locator('.stage-node').first().waitFor();
      const background = await darkPage.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(background).toBe('rgb(13, 17, 23)');
      await shot(darkPage, 'run-dark');
    } finally {
      await dark.close();
    }
    await page.locator('[data-action=cancel]').click();
    await page.locator('[data-action=confirm-cancel]').click();
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 30_000 }).toBe('canceled');
    await page.close();
  }, 90_000);
});
