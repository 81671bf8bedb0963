/**
 * Starts and stops `moto_server`, the AWS emulator used by local mode and the test suite.
 * Each caller gets its own server on a free loopback port, so parallel test files never share state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startProvisionedConcurrencyEmulator } from './provisioned-concurrency.js';
import { emulatorCommand, MotoUnavailableError, reasonIn, type EmulatorOptions } from './emulator.js';

export interface MotoServer {
  /** Base URL, e.g. http://localhost:41234 (spelled `localhost`: the CDK CLI needs that). */
  readonly endpoint: string;
  /** Drops every resource in the emulator (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** The emulator's process id. */
  readonly pid: number;
}

export interface StartOptions extends EmulatorOptions {
  readonly timeoutMs?: number;
  /**
   * Keep running after this process ends (the local environment): its output goes to this file
   * instead of a pipe, and nothing here stops it.
   */
  readonly background?: { readonly logFile: string };
  /**
   * Answer Lambda invocations without containers (default true). moto's CloudFormation creates
   * functions in its Docker backend, which the container-free backend's API does not list, so
   * `cdk deploy` tests that read deployed functions (and invoke none) turn this off.
   * @default true
   */
  readonly lambdaWithoutContainers?: boolean;
  /**
   * Front the emulator with Lambda's provisioned concurrency API, which moto lacks
   * (provisioned-concurrency.ts); the endpoint is then that front's. Not with `background`.
   * @default false
   */
  readonly lambdaProvisionedConcurrency?: boolean;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Why the emulator process is gone, in one line: its exit and the last thing it said. */
function exitReason(child: ChildProcess, stderr: string, spawnError: string | undefined, label: string): string | undefined {
  if (spawnError) return `cannot start ${label}: ${spawnError}`;
  if (child.exitCode === null && child.signalCode === null) return undefined;
  const how = child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`;
  return `${label} ${how}${stderr.trim() ? `: ${reasonIn(stderr)}` : ' without saying why'}`;
}

async function waitUntilUp(endpoint: string, gone: () => string | undefined, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = gone();
    if (reason) throw new MotoUnavailableError(reason);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new MotoUnavailableError(`${label} did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * moto runs Lambda invocations in Docker by default; there is no Docker here or in CI. Its
 * `lambda_simple` backend (config `lambda.use_docker: false`, set over moto's own API) keeps the
 * functions, versions and aliases and answers an invocation with its payload (or a queued result).
 * The setting survives `reset`. Function errors are driven by fault injection in tests.
 */
async function answerLambdaWithoutContainers(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!response.ok) throw new MotoUnavailableError(`moto config failed: HTTP ${response.status}`);
}

export async function startMoto(options: StartOptions = {}): Promise<MotoServer> {
  const found = await emulatorCommand(options);
  const label = found.origin === 'path' ? 'moto_server' : `moto_server (${found.command} ${found.args.join(' ')})`;
  const port = await freePort();
  const endpoint = `http://localhost:${port}`;
  const log = options.background ? openSync(options.background.logFile, 'a') : undefined;
  // Its own process group: Ctrl-C at the terminal reaches this process (which cancels the run
  // and records it) but not the emulator the record is written to.
  const child = spawn(found.command, [...found.args, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', log ?? 'pipe'],
    detached: true,
    env: { ...(options.env ?? process.env), MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  if (log !== undefined) closeSync(log);
  let stderr = '';
  let spawnError: string | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on('error', (error: NodeJS.ErrnoException) => {
    spawnError = error.code === 'ENOENT' ? `${found.command} not found` : (error.code ?? error.message);
  });
  // Never leave an emulator behind when this process ends, however it ends.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const said = () => (options.background ? tail(options.background.logFile) : stderr);
  try {
    await waitUntilUp(endpoint, () => exitReason(child, said(), spawnError, label), options.timeoutMs ?? 30_000, label);
    if (options.lambdaWithoutContainers !== false) await answerLambdaWithoutContainers(endpoint);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killChild);
    throw error;
  }
  if (options.background) {
    process.off('exit', killChild);
    child.unref();
  }
  const front = options.lambdaProvisionedConcurrency && !options.background ? await startProvisionedConcurrencyEmulator(endpoint) : undefined;
  const served = front?.endpoint ?? endpoint;
  return {
    endpoint: served,
    pid: child.pid!,
    async reset() {
      const response = await fetch(`${served}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    async stop() {
      await front?.close();
      process.off('exit', killChild);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
