/**
 * The local environment: one emulator that outlives a run, like a local AWS account. Its state is
 * under the project's `.gennaker/` (found from any folder inside the project):
 *
 *   environment.json   the emulator's endpoint and process, while it is up
 *   emulator.log       what the emulator printed
 *   runs/<id>.json     each run in progress and the process that runs it (cancel signals it)
 *   executions/<id>.json  finished execution records (also kept when the environment goes down)
 *   sources/<id>.json     the pipeline file each local run was started from (for `gennaker restart`)
 *   console.json       a running `gennaker console` on this environment
 *   venv/              the emulator's private Python environment, when the machine has none (emulator.ts)
 *
 * `run --local` brings it up when it is not (and leaves it up); `gennaker local down` stops it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { startMoto } from './moto.js';

/** The nearest folder at or above `from` holding `.gennaker/` or a package.json. */
export function projectRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, '.gennaker')) || existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from);
    dir = up;
  }
}

export const stateDir = () => process.env.GENNAKER_STATE_DIR ?? join(projectRoot(), '.gennaker');
const environmentFile = () => join(stateDir(), 'environment.json');
const runsDir = () => join(stateDir(), 'runs');
const recordsDir = () => join(stateDir(), 'executions');

export interface LocalEnvironment {
  readonly endpoint: string;
  /** The emulator's process. */
  readonly pid: number;
  readonly startedAt: number;
}

export interface LocalRunEntry {
  readonly executionId: string;
  readonly pid: number;
  readonly application: string;
  readonly pipelineName: string;
  readonly startedAt: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** The environment, if it is up and its emulator answers. */
export async function readEnvironment(): Promise<LocalEnvironment | undefined> {
  const env = await readJson<LocalEnvironment>(environmentFile());
  if (!env || !alive(env.pid) || !(await answers(env.endpoint))) return undefined;
  return env;
}

/** Brings the environment up if it is not; `started` says whether this call started it. */
export async function environmentUp(options: { onProgress?: (line: string) => void } = {}): Promise<LocalEnvironment & { started: boolean }> {
  const existing = await readEnvironment();
  if (existing) return { ...existing, started: false };
  await mkdir(stateDir(), { recursive: true });
  const moto = await startMoto({ ...options, background: { logFile: join(stateDir(), 'emulator.log') } });
  const env: LocalEnvironment = { endpoint: moto.endpoint, pid: moto.pid, startedAt: Date.now() };
  await writeFile(environmentFile(), `${JSON.stringify(env, null, 2)}\n`);
  return { ...env, started: true };
}

/** Stops the emulator and forgets the environment (finished records stay under executions/). */
export async function environmentDown(): Promise<LocalEnvironment | undefined> {
  const env = await readJson<LocalEnvironment>(environmentFile());
  if (env && alive(env.pid)) {
    // The emulator runs in its own process group (see startMoto).
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-env.pid, signal);
      } catch {
        try {
          process.kill(env.pid, signal);
        } catch {
          // already gone
        }
      }
    };
    kill('SIGTERM');
    for (let i = 0; i < 30 && alive(env.pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(env.pid)) kill('SIGKILL');
  }
  await rm(environmentFile(), { force: true });
  return env;
}

export async function registerRun(entry: LocalRunEntry): Promise<void> {
  await mkdir(runsDir(), { recursive: true });
  await writeFile(join(runsDir(), `${entry.executionId}.json`), `${JSON.stringify(entry, null, 2)}\n`);
}

export async function unregisterRun(executionId: string): Promise<void> {
  await rm(join(runsDir(), `${executionId}.json`), { force: true });
}

/** Runs in progress whose process is alive (entries of dead processes are dropped). */
export async function liveRuns(): Promise<LocalRunEntry[]> {
  const files = await readdir(runsDir()).catch(() => [] as string[]);
  const entries: LocalRunEntry[] = [];
  for (const f of files.filter((n) => n.endsWith('.json'))) {
    const entry = await readJson<LocalRunEntry>(join(runsDir(), f));
    if (entry && alive(entry.pid)) entries.push(entry);
    else await rm(join(runsDir(), f), { force: true });
  }
  return entries;
}

export async function runOwner(executionId: string): Promise<LocalRunEntry | undefined> {
  return (await liveRuns()).find((r) => r.executionId === executionId);
}

const sourcesDir = () => join(stateDir(), 'sources');

/** Notes which pipeline file a run came from, so a restart of one of its stages runs the same file. */
export async function rememberSource(executionId: string, file: string): Promise<void> {
  await mkdir(sourcesDir(), { recursive: true });
  await writeFile(join(sourcesDir(), `${executionId}.json`), `${JSON.stringify({ file })}\n`);
}

export async function rememberedSource(executionId: string): Promise<string | undefined> {
  const entry = await readJson<{ file?: string }>(join(sourcesDir(), `${executionId}.json`));
  return entry?.file && existsSync(entry.file) ? entry.file : undefined;
}

export async function saveRecord(executionId: string, record: unknown): Promise<string> {
  await mkdir(recordsDir(), { recursive: true });
  const path = join(recordsDir(), `${executionId}.json`);
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

export async function readSavedRecords(): Promise<Array<Record<string, unknown>>> {
  const files = (await readdir(recordsDir()).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  const records = await Promise.all(files.map((f) => readJson<Record<string, unknown>>(join(recordsDir(), f))));
  return records.filter((r): r is Record<string, unknown> => r !== undefined).sort((a, b) => Number(b.startTime ?? 0) - Number(a.startTime ?? 0));
}

/** Points the SDK at an emulator. */
export function useEndpoint(endpoint: string): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
}

/** A running `gennaker console` (.gennaker/console.json), against the local environment. */
export interface ConsoleSession {
  readonly url: string;
  readonly endpoint: string;
  readonly pid: number;
}

const consoleFile = () => join(stateDir(), 'console.json');

export async function writeConsole(session: ConsoleSession): Promise<void> {
  await mkdir(stateDir(), { recursive: true });
  await writeFile(consoleFile(), `${JSON.stringify(session, null, 2)}\n`);
}

export async function clearConsole(pid = process.pid): Promise<void> {
  const current = await readConsole();
  if (current?.pid === pid) await rm(consoleFile(), { force: true });
}

/** The running console, if its process is still alive. */
export async function readConsole(): Promise<ConsoleSession | undefined> {
  const session = await readJson<ConsoleSession>(consoleFile());
  return session && alive(session.pid) ? session : undefined;
}
