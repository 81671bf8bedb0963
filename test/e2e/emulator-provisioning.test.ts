/**
 * A clean clone on a machine without moto_server on PATH, driven as a user drives it: the CLI as a
 * child process with a PATH that hides moto_server. With no Python, and with Python but no package
 * index (as here), it says in one line what to install; with a private venv that can satisfy the
 * pinned requirement it provisions it and the demo runs; a crashing emulator is reported with why.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOTO_REQUIREMENT } from '../../local/emulator.js';

const root = new URL('../..', import.meta.url).pathname;
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** A PATH with only the named programs (symlinked), so moto_server is not on it. */
function pathWith(programs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gennaker-path-'));
  for (const [name, target] of Object.entries(programs)) symlinkSync(target, join(dir, name));
  return dir;
}

/** No index reachable, whatever this machine's pip configuration says. */
const offlinePip = { PIP_CONFIG_FILE: '/dev/null', PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_FIND_LINKS: '', PIP_EXTRA_INDEX_URL: '', PIP_RETRIES: '0' };

/** Runs a Node program of the project (the CLI, vitest) as a child with this machine's AWS and pip settings left out. */
function node(program: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('PIP_') && !k.startsWith('VITEST')));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, program), ...args], {
      cwd: root,
      env: { ...clean, GENNAKER_STATE_DIR: env.GENNAKER_STATE_DIR ?? mkdtempSync(join(tmpdir(), 'gennaker-state-')), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const gennaker = (args: string[], env: Record<string, string>) => node('cli/bin.mjs', args, env);

describe('emulator provisioning on a machine without moto_server', () => {
  it('no python3: one line saying what to install', async () => {
    const r = await gennaker(['run', '--local', 'pipelines/demo.yml'], {
      PATH: pathWith({}),
      GENNAKER_EMULATOR_VENV: join(mkdtempSync(join(tmpdir(), 'gennaker-venv-')), 'venv'),
    });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^gennaker: moto_server is not on PATH and there is no python3 to install it: install Python 3 .*pip install 'moto\[server\]==5\.2\.1'/,
      ),
    ]);
    expect(r.err + r.out).not.toContain('code -2');
  });

  it('python3 but no package index: a progress line, then one line with the reason and what to do', async () => {
    const venv = join(mkdtempSync(join(tmpdir(), 'gennaker-venv-')), 'venv');
    const r = await gennaker(['run', '--local', 'pipelines/demo.yml'], { PATH: pathWith({ python3: python }), GENNAKER_EMULATOR_VENV: venv, ...offlinePip });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`Installing the AWS emulator (${MOTO_REQUIREMENT}) into`);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^gennaker: cannot install moto\[server\]==5\.2\.1 \(.*(No matching distribution|Could not find a version).*\): .*pip install 'moto\[server\]==5\.2\.1'.*PIP_INDEX_URL/,
    );
    // Nothing half-made is taken for an install: the next attempt tries again.
    expect(existsSync(join(venv, `.gennaker-moto-5.2.1`))).toBe(false);
  }, 120_000);

  it('npm test on such a machine: one line for the whole run, not a failure per test file', async () => {
    // Two emulator-backed files: each would have failed on its own before the run's one check.
    const files = ['test/integration/engine.test.ts', 'test/integration/judgment-resume.test.ts'];
    const r = await node('node_modules/vitest/vitest.mjs', ['run', ...files], {
      PATH: pathWith({ node: process.execPath }),
      GENNAKER_EMULATOR_VENV: join(mkdtempSync(join(tmpdir(), 'gennaker-venv-')), 'venv'),
    });
    expect(r.code).toBe(1);
    const lines = r.err
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('gennaker'));
    expect(lines).toEqual([
      expect.stringMatching(/^gennaker tests: moto_server is not on PATH and there is no python3 to install it: .*pip install 'moto\[server\]==5\.2\.1'/),
    ]);
    expect(r.out + r.err).not.toMatch(/FAIL|Test Files/);
  }, 120_000);

  it('a private venv that can satisfy the pin is provisioned once and the demo runs against it', async () => {
    const venv = join(mkdtempSync(join(tmpdir(), 'gennaker-venv-')), 'venv');
    // A venv that sees this machine's moto (no index needed): pip finds the pin satisfied.
    execFileSync(python, ['-m', 'venv', '--system-site-packages', '--without-pip', venv]);
    // One local environment for both runs (a run leaves it up), taken down at the end.
    const env = {
      PATH: pathWith({ python3: python }),
      GENNAKER_EMULATOR_VENV: venv,
      GENNAKER_STATE_DIR: mkdtempSync(join(tmpdir(), 'gennaker-state-')),
      ...offlinePip,
    };
    const r = await gennaker(['run', '--local', 'pipelines/demo.yml', '--time-scale', '500'], env);
    expect(r.err).toBe('');
    expect(r.out).toContain('Installing the AWS emulator');
    expect(r.out).toContain('Pipeline SUCCEEDED');
    expect(r.code).toBe(0);
    expect(existsSync(join(venv, '.gennaker-moto-5.2.1'))).toBe(true);
    // Second time: no install.
    const again = await gennaker(['run', '--local', 'pipelines/demo.yml', '--time-scale', '500'], env);
    expect(again.out).not.toContain('Installing the AWS emulator');
    expect(again.out).not.toContain('Started the local environment');
    expect(again.code).toBe(0);
    const down = await gennaker(['local', 'down'], env);
    expect(down.out).toContain('Stopped the local environment');
  }, 240_000);

  it('an emulator that crashes is reported with its reason, not an exit code alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-crash-'));
    const script = join(dir, 'moto_server');
    writeFileSync(script, '#!/bin/sh\necho "Traceback (most recent call last):" >&2\necho "ModuleNotFoundError: No module named \'flask\'" >&2\nexit 3\n');
    chmodSync(script, 0o755);
    const r = await gennaker(['run', '--local', 'pipelines/demo.yml'], { PATH: `${dir}:/bin:/usr/bin` });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe("gennaker: moto_server exited with code 3: ModuleNotFoundError: No module named 'flask'");
  });
});
