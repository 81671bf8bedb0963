/**
 * Where the AWS emulator comes from: `moto_server` on PATH if there is one, else a private virtual
 * environment (.gennaker/venv) with the pinned moto[server], created on first use. Local mode, the
 * test suite (test/support/moto.ts) and `.ci/run` all go through `emulatorCommand`, so a fresh
 * machine with Node.js and Python 3 needs nothing else. Where it cannot be provisioned (no Python,
 * no package index) the error is one line saying what to install and how.
 *
 * Run directly (`tsx local/emulator.ts`) it provisions and prints the command, for CI.
 */
import { GennakerError } from '../state-machines/errors.js';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MOTO_VERSION = '5.2.1';
export const MOTO_REQUIREMENT = `moto[server]==${MOTO_VERSION}`;
const INSTALL_HINT = `install it yourself with pip install '${MOTO_REQUIREMENT}' so moto_server is on PATH`;

/** The emulator cannot be found, installed or started here (not a bug: the machine lacks something). */
export class MotoUnavailableError extends GennakerError {
  override readonly name = 'MotoUnavailableError';
  override readonly kind = 'transient';
}

/** How to start the emulator: a program and the arguments before `-H host -p port`. */
export interface EmulatorCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Where it came from, for messages. */
  readonly origin: 'path' | 'venv';
}

export interface EmulatorOptions {
  /** Told once, before a first-use install that may take a minute. */
  readonly onProgress?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The private environment's folder: GENNAKER_EMULATOR_VENV, else .gennaker/venv in the project. */
function venvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GENNAKER_EMULATOR_VENV ?? join(projectRoot, '.gennaker', 'venv');
}

const venvPython = (dir: string) => join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
const marker = (dir: string) => join(dir, `.gennaker-moto-${MOTO_VERSION}`);

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH (what a shell would run), without running it. */
async function onPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

interface Ran {
  readonly code: number | null;
  readonly output: string;
  readonly spawnError?: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, output, spawnError: error.code ?? error.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The line of a tool's output that says why it failed (pip's last ERROR, else the last line). */
export function reasonIn(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /^(ERROR|Error|error)\b|Error:/.test(l));
  return (errors[errors.length - 1] ?? lines[lines.length - 1] ?? 'no output').replace(/^ERROR:\s*/, '');
}

/** Serialises first-use installs between processes (vitest runs test files in parallel). */
async function withInstallLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than the longest install belongs to a process that died.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 10 * 60_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new MotoUnavailableError(`another process has been installing the AWS emulator into ${dir} for 10 minutes (remove ${lock} if it died)`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function provision(dir: string, options: EmulatorOptions): Promise<void> {
  const env = options.env ?? process.env;
  const python = (await onPath('python3', env)) ?? (await onPath('python', env));
  if (!python) {
    throw new MotoUnavailableError(
      `moto_server is not on PATH and there is no python3 to install it: install Python 3 (e.g. apt-get install python3 python3-venv), or ${INSTALL_HINT}`,
    );
  }
  const near = relative(process.cwd(), dir);
  const shown = near && !near.startsWith('..') ? near : dir;
  options.onProgress?.(`Installing the AWS emulator (${MOTO_REQUIREMENT}) into ${shown}: first use only, about a minute...`);
  if (!(await executable(venvPython(dir)))) {
    const made = await run(python, ['-m', 'venv', dir], env);
    if (made.code !== 0) {
      await rm(dir, { recursive: true, force: true });
      throw new MotoUnavailableError(
        `cannot create a Python virtual environment in ${shown} (${made.spawnError ?? reasonIn(made.output)}): install python3-venv (e.g. apt-get install python3-venv), or ${INSTALL_HINT}`,
      );
    }
  }
  const installed = await run(
    venvPython(dir),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--retries', '2', '--timeout', '30', MOTO_REQUIREMENT],
    env,
  );
  if (installed.code !== 0) {
    throw new MotoUnavailableError(
      `cannot install ${MOTO_REQUIREMENT} (${installed.spawnError ?? reasonIn(installed.output)}): is a Python package index reachable? ${INSTALL_HINT}, or set PIP_INDEX_URL to a reachable index and retry`,
    );
  }
  await writeFile(marker(dir), `${MOTO_REQUIREMENT}\n`);
}

/** The command that starts the emulator, installing it first if this machine has none. */
export async function emulatorCommand(options: EmulatorOptions = {}): Promise<EmulatorCommand> {
  const env = options.env ?? process.env;
  const found = await onPath('moto_server', env);
  if (found) return { command: found, args: [], origin: 'path' };
  const dir = venvDir(env);
  const fromVenv: EmulatorCommand = { command: venvPython(dir), args: ['-m', 'moto.server'], origin: 'venv' };
  if ((await stat(marker(dir)).catch(() => undefined))?.isFile()) return fromVenv;
  return withInstallLock(dir, async () => {
    // Another process may have finished the install while this one waited for the lock.
    if (!(await stat(marker(dir)).catch(() => undefined))?.isFile()) await provision(dir, options);
    return fromVenv;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const found = await emulatorCommand({ onProgress: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`AWS emulator: ${[found.command, ...found.args].join(' ')}\n`);
  } catch (error) {
    process.stderr.write(`gennaker: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
