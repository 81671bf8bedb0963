/** Output and exit, injected so tests can run commands in-process. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  write(text: string): void;
  exit(code: number): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (text) => process.stdout.write(text),
  exit: (code) => {
    process.exitCode = code;
  },
};
