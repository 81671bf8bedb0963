/**
 * The local session file (.gennaker/local.json): while `gennaker run --local` is running it records
 * the emulator endpoint, so `gennaker judge` and `gennaker executions` in another shell reach it.
 * Finished executions are saved as JSON under .gennaker/executions/.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const stateDir = () => process.env.GENNAKER_STATE_DIR ?? '.gennaker';
const sessionFile = () => join(stateDir(), 'local.json');
const recordsDir = () => join(stateDir(), 'executions');

export interface LocalSession {
  readonly endpoint: string;
  readonly pid: number;
  readonly executionId?: string;
}

export async function writeSession(session: LocalSession): Promise<void> {
  await mkdir(stateDir(), { recursive: true });
  await writeFile(sessionFile(), `${JSON.stringify(session, null, 2)}\n`);
}

export async function clearSession(pid = process.pid): Promise<void> {
  const current = await readSession();
  if (current?.pid === pid) await rm(sessionFile(), { force: true });
}

/** The running local session, if its process is still alive. */
export async function readSession(): Promise<LocalSession | undefined> {
  try {
    const session = JSON.parse(await readFile(sessionFile(), 'utf8')) as LocalSession;
    process.kill(session.pid, 0);
    return session;
  } catch {
    return undefined;
  }
}

export async function saveRecord(executionId: string, record: unknown): Promise<string> {
  await mkdir(recordsDir(), { recursive: true });
  const path = join(recordsDir(), `${executionId}.json`);
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

export async function readSavedRecords(): Promise<Array<Record<string, unknown>>> {
  let files: string[];
  try {
    files = (await readdir(recordsDir())).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const records = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(recordsDir(), f), 'utf8')) as Record<string, unknown>),
  );
  return records.sort((a, b) => Number(b.startTime ?? 0) - Number(a.startTime ?? 0));
}

/** Points the SDK at an emulator. */
export function useEndpoint(endpoint: string): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
}

/** A running `gennaker console` (.gennaker/console.json): local runs use its emulator and link to it. */
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
  try {
    const session = JSON.parse(await readFile(consoleFile(), 'utf8')) as ConsoleSession;
    process.kill(session.pid, 0);
    return session;
  } catch {
    return undefined;
  }
}
