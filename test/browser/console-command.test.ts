/**
 * `gennaker console` as a person starts it: prints its URL, serves the page and the API there, answers
 * only to loopback names (DNS rebinding), refuses POSTs from another origin, and stops on SIGINT.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';
import { startMoto, type MotoServer } from '../../local/moto.js';

let moto: MotoServer;
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  moto = await startMoto();
  const pipelines = mkdtempSync(join(tmpdir(), 'gennaker-console-cli-'));
  writeFileSync(join(pipelines, 'p.yml'), 'application: cli\nname: p\nstages:\n  - { refId: "1", type: wait, name: W, waitTime: 1 }\n');
  child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts'), 'console', '--port', '0', '--pipelines', pipelines], {
    env: { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', GENNAKER_STATE_DIR: mkdtempSync(join(tmpdir(), 'gennaker-state-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 60_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const found = /Gennaker console: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
  });
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await moto?.stop();
});

/** A raw request, so the Host header can be anything. */
function raw(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('gennaker console', () => {
  it('serves the page and the API at the URL it prints, on loopback names only, and stops on SIGINT', async () => {
    const page = await fetch(`${url}/executions/anything`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    expect(await (await fetch(`${url}/config.json`)).json()).toEqual({ auth: 'none', localMode: true });
    expect(await (await fetch(`${url}/api/applications`)).json()).toEqual({
      applications: [{ name: 'cli', pipelines: 1, permissions: ['READ', 'EXECUTE', 'WRITE'] }],
    });

    const { port } = new URL(url);
    expect((await raw('/api/applications', { host: `localhost:${port}` })).status).toBe(200);
    const rebound = await raw('/api/applications', { host: `evil.example:${port}` });
    expect(rebound.status).toBe(421);
    const crossSite = await raw(
      '/api/pipelines/cli/p/executions',
      { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'content-type': 'application/json' },
      'POST',
    );
    expect(crossSite.status).toBe(403);
    const sameSite = await raw('/api/pipelines/cli/p/executions', { host: `127.0.0.1:${port}`, origin: url, 'content-type': 'application/json' }, 'POST');
    expect(sameSite.status).toBe(202);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 60_000);
});
