#!/usr/bin/env node
/** `gennaker`: the command line. The only module that sets the process exit code. */
import { Command, CommanderError } from 'commander';
import { registerConsoleCommand } from './commands/console.js';
import { registerExecutionCommands } from './commands/executions.js';
import { registerRunCommand } from './commands/local-run.js';
import { registerOperationCommands } from './commands/operations.js';
import { registerLocalCommands } from './commands/local-env.js';
import { registerPipelineFileCommands } from './commands/pipeline-files.js';
import { EXIT, exitCodeFor, messageFor } from './errors.js';
import { type Io, processIo } from './io.js';

export function buildProgram(io: Io): Command {
  const program = new Command('gennaker')
    .description('Continuous delivery for AWS: Spinnaker pipelines compiled to Step Functions')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride();
  // One error prefix and stream for every error, commander's included.
  program.configureOutput({
    writeOut: (s) => io.write(s),
    writeErr: (s) => io.err(s.replace(/\n$/, '')),
    outputError: (s, write) => write(s.replace(/^error: /, 'gennaker: ')),
  });
  registerPipelineFileCommands(program, io);
  registerRunCommand(program, io);
  registerExecutionCommands(program, io);
  registerOperationCommands(program, io);
  registerConsoleCommand(program, io);
  registerLocalCommands(program, io);
  return program;
}

export async function main(argv: string[], io: Io = processIo): Promise<void> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      io.exit(error.exitCode === 0 ? EXIT.ok : EXIT.invalid);
      return;
    }
    io.err(`gennaker: ${messageFor(error)}`);
    io.exit(exitCodeFor(error));
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/main.ts')) {
  await main(process.argv.slice(2));
}
