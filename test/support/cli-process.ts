/** The `gennaker` command as a user runs it: a child process, its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const projectRoot = new URL('../..', import.meta.url).pathname;

interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Everything printed so far (stdout and stderr). */
  text(): string;
  /** Resolves when the output matches, or rejects after timeoutMs with what was printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: 'ignore' | 'pipe';
  /** Another program and its arguments instead of `node cli/bin.mjs args` (e.g. `script` for a terminal). */
  readonly program?: readonly string[];
}

export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const [command, ...rest] = options.program ?? [process.execPath, join(projectRoot, 'cli/bin.mjs'), ...args];
  const child = spawn(command!, rest, {
    cwd: options.cwd ?? projectRoot,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return {
    child,
    done,
    text: () => out + err,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = pattern.exec(out + err);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${out}${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

export const cli = (args: readonly string[], options: CliOptions = {}) => startCli(args, options).done;
