/** `gennaker console`: the web console on 127.0.0.1 against the local environment. */
import { type Command, InvalidArgumentError } from 'commander';
import { startConsoleServer } from '../../local/console-server.js';
import type { Io } from '../io.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

function parseScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

export function registerConsoleCommand(program: Command, io: Io): void {
  program
    .command('console')
    .description('Serve the web console and the API on 127.0.0.1 against the local environment (no sign-in)')
    .option('--port <n>', 'port to listen on (0: any free one)', parsePort, 8080)
    .option('--pipelines <dir>', 'where pipeline files are', 'pipelines')
    .option('--time-scale <n>', 'runs started from the console wait this many times faster', parseScale, 1)
    .addHelpText('after', '\nExamples:\n  npx gennaker console\n  npx gennaker console --port 0 --pipelines pipelines --time-scale 20')
    .action(async (opts: { port: number; pipelines: string; timeScale: number }) => {
      const server = await startConsoleServer({ port: opts.port, pipelinesDir: opts.pipelines, timeScale: opts.timeScale, log: (line) => io.out(line) });
      io.out(`Gennaker console: ${server.url}/`);
      io.out('Local runs (gennaker run --local) started while it runs show up there too. Ctrl-C stops it.');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
