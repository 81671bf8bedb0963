/** gennaker local up|down|status: the local environment that outlives a run (local/environment.ts). */
import { GENNAKER } from '../../local/command-name.js';
import type { Command } from 'commander';
import { environmentDown, environmentUp, liveRuns, readEnvironment, stateDir } from '../../local/environment.js';
import { scanExecutions } from '../../local/records.js';
import { ensureTables } from '../../functions/core/tables.js';
import { resetClientCache } from '../../functions/core/aws-clients.js';
import { useEndpoint } from '../../local/environment.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { emit, type OutputFormat, outputOption } from '../output.js';

export function registerLocalCommands(program: Command, io: Io): void {
  const local = program
    .command('local')
    .description('The local environment: one AWS emulator, the sandbox and execution records kept between commands')
    .addHelpText(
      'after',
      '\nExamples:\n  npx gennaker local up\n  npx gennaker run --local pipelines/demo.yml   # brings it up itself when it is down\n  npx gennaker local status -o json\n  npx gennaker local down',
    );

  local
    .command('up')
    .description('Start the local environment (if it is not up) and print where it is')
    .addHelpText('after', '\nExamples:\n  npx gennaker local up && npx gennaker run --local pipelines/demo.yml')
    .action(async () => {
      const env = await environmentUp({ onProgress: (line) => io.err(line) });
      useEndpoint(env.endpoint);
      resetClientCache();
      await ensureTables();
      io.out(`${env.started ? 'Started' : 'Already up:'} local environment, AWS emulator at ${env.endpoint} (pid ${env.pid}), state in ${stateDir()}`);
    });

  local
    .command('down')
    .description('Stop the local environment (finished execution records stay in .gennaker/executions)')
    .option('--force', 'even while runs are in progress (they are canceled first)')
    .addHelpText('after', '\nExamples:\n  npx gennaker local down\n  npx gennaker local down --force   # cancels runs in progress first')
    .action(async (opts: { force?: boolean }) => {
      const runs = await liveRuns();
      if (runs.length > 0 && !opts.force) {
        throw new UsageError(`${runs.length} run(s) in progress (${runs.map((r) => r.executionId).join(', ')}): cancel them, or pass --force`);
      }
      for (const run of runs) process.kill(run.pid, 'SIGTERM');
      // Give canceled runs a moment to record CANCELED while the emulator is still there.
      for (let i = 0; i < 100 && (await liveRuns()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      const env = await environmentDown();
      io.out(env ? `Stopped the local environment (AWS emulator at ${env.endpoint})` : 'The local environment was not up');
    });

  local
    .command('status')
    .description('Whether the local environment is up (exit 0) or down (exit 1), its emulator, runs in progress and executions')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  npx gennaker local status\n  npx gennaker local status -o json | jq .endpoint')
    .action(async (opts: { output: OutputFormat }) => {
      const env = await readEnvironment();
      const runs = await liveRuns();
      let executions: Record<string, number> = {};
      if (env) {
        useEndpoint(env.endpoint);
        resetClientCache();
        await ensureTables();
        for (const r of await scanExecutions()) executions = { ...executions, [r.status]: (executions[r.status] ?? 0) + 1 };
      }
      const status = env
        ? { up: true, endpoint: env.endpoint, pid: env.pid, startedAt: new Date(env.startedAt).toISOString(), stateDir: stateDir(), runs, executions }
        : { up: false, stateDir: stateDir(), runs, executions };
      emit(io, opts.output, status, () =>
        env
          ? [
              `up: AWS emulator at ${env.endpoint} (pid ${env.pid}) since ${new Date(env.startedAt).toISOString()}`,
              `state: ${stateDir()}`,
              `runs in progress: ${runs.length === 0 ? 'none' : runs.map((r) => `${r.executionId} (${r.application}/${r.pipelineName})`).join(', ')}`,
              `executions: ${
                Object.entries(executions)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ') || 'none'
              }`,
            ]
          : [`down ('${GENNAKER} local up' or '${GENNAKER} run --local <file>' starts it)`],
      );
      if (!env) io.exit(EXIT.failed);
    });
}
