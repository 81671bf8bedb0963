#!/usr/bin/env node
/** `gennaker`: the command line. The only module that sets the process exit code. */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError } from 'commander';
import { colourOn, paint } from '../local/colour.js';
import { completionScript } from './completion.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerExecutionCommands } from './commands/executions.js';
import { registerRunCommand } from './commands/local-run.js';
import { registerOperationCommands } from './commands/operations.js';
import { registerLocalCommands } from './commands/local-env.js';
import { registerPipelineFileCommands } from './commands/pipeline-files.js';
import { exitCodeOf } from '../state-machines/errors.js';
import { EXIT, messageFor } from './errors.js';
import { type Io, processIo } from './io.js';
import { parseConfigText } from '../functions/core/config-text.js';
import {
  parsePreconfiguredWebhooks,
  PRECONFIGURED_WEBHOOKS_FILE_ENV,
  PreconfiguredWebhookError,
  registerPreconfiguredWebhooks,
} from '../state-machines/stage-types/preconfigured-webhooks.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** The one error prefix, red on a terminal. */
const PREFIX = () => `${paint(colourOn(process.stderr), 'red', 'gennaker:')} `;

export function buildProgram(io: Io): Command {
  const program = new Command('gennaker')
    .description('Continuous delivery for AWS: Spinnaker pipelines compiled to Step Functions')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  npx gennaker validate pipelines/
  npx gennaker run --local pipelines/demo.yml --time-scale 20
  npx gennaker executions list -o json
  npx gennaker judge <executionId> 'Approve release' continue --input 'ship it'
  npx gennaker clusters demo

Exit status:
  0  done (a run: the execution SUCCEEDED)
  1  failed: the execution did not succeed, not found, already finished, emulator unavailable
  2  invalid input or usage: bad pipeline, parameters, options or arguments (nothing was started)
  3  internal error (a bug: please report it)
  130  a local run canceled with Ctrl-C

Output: read commands take -o json|yaml|table; colour only on a terminal, never with NO_COLOR set.
Completion: eval "$(npx gennaker completion bash)" (or zsh).`,
    );
  // One error prefix and stream for every error, commander's included.
  program.configureOutput({
    writeOut: (s) => io.write(s),
    writeErr: (s) => io.err(s.replace(/\n$/, '')),
    outputError: (s, write) => write(s.replace(/^error: /, PREFIX())),
  });
  registerPipelineFileCommands(program, io);
  registerRunCommand(program, io);
  registerExecutionCommands(program, io);
  registerOperationCommands(program, io);
  registerConsoleCommand(program, io);
  registerLocalCommands(program, io);
  program
    .command('completion')
    .description('Print a shell completion script')
    .addArgument(new Argument('<shell>').choices(['bash', 'zsh']))
    .addHelpText('after', '\nExamples:\n  eval "$(npx gennaker completion bash)"   # in ~/.bashrc\n  eval "$(npx gennaker completion zsh)"    # in ~/.zshrc')
    .action((shell: 'bash' | 'zsh') => io.write(completionScript(program, shell)));
  return program;
}

/** Operator-defined webhook stage types (GENNAKER_PRECONFIGURED_WEBHOOKS_FILE, YAML or JSON): validate, compile, docs and local runs know them. */
async function registerPreconfiguredWebhookFile(env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  const path = env[PRECONFIGURED_WEBHOOKS_FILE_ENV];
  if (!path) return;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PreconfiguredWebhookError(`${PRECONFIGURED_WEBHOOKS_FILE_ENV}=${path}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  registerPreconfiguredWebhooks(parsePreconfiguredWebhooks(await parseConfigText(text), path));
}

export async function main(argv: string[], io: Io = processIo): Promise<void> {
  try {
    await registerPreconfiguredWebhookFile();
    await buildProgram(io).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      io.exit(error.exitCode === 0 ? EXIT.ok : EXIT.invalid);
      return;
    }
    io.err(`${PREFIX()}${messageFor(error)}`);
    io.exit(exitCodeOf(error));
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/main.ts')) {
  await main(process.argv.slice(2));
}
