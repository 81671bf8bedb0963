/** run --local: a whole pipeline on this machine against the emulator. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { runLocal } from '../../local/run-local.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

function parseParameter(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function parseArtifact(value: string, previous: Record<string, unknown>[] = []): Record<string, unknown>[] {
  let artifact: unknown;
  try {
    artifact = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`expected an artifact as JSON (e.g. '{"type":"docker/image","reference":"repo/app:1.2"}'), got '${value}'`);
  }
  if (typeof artifact !== 'object' || artifact === null || Array.isArray(artifact)) throw new InvalidArgumentError('an artifact is a JSON object');
  return [...previous, artifact as Record<string, unknown>];
}

export function parseScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

export function registerRunCommand(program: Command, io: Io): void {
  program
    .command('run')
    .description('Run a pipeline end to end (--local: in-process against the AWS emulator)')
    .argument('<file>', 'pipeline file')
    .option('--local', 'run locally against moto_server (or AWS_ENDPOINT_URL)')
    .option('--time-scale <n>', 'run waits this many times faster', parseScale, 1)
    .addOption(new Option('--auto-judge <judgment>', 'answer manual judgments automatically').choices(['continue', 'stop']))
    .option('--judgment-input <value>', 'judgment input to pick when auto-judging')
    .option('-p, --param <key=value>', 'pipeline parameter (repeatable)', parseParameter, {})
    .option('--pipelines <dir>', "directory of pipelines that pipeline stages may start (default: the file's directory)")
    .option('--execution-id <id>', 'execution id to use (default: generated)')
    .option('--artifact <json>', "an artifact the run's trigger carries, bound to the pipeline's expectedArtifacts (repeatable)", parseArtifact, [])
    .addHelpText(
      'after',
      "\nCtrl-C cancels the run (stages cleaned up, locks released, record saved CANCELED, exit 130); a second Ctrl-C quits at once.\n\nExamples:\n  npx gennaker run --local pipelines/demo.yml --time-scale 20\n  npx gennaker run --local pipelines/demo.yml -p version=2.0.0 --auto-judge continue --judgment-input 'ship it'",
    )
    .action(
      async (
        file: string,
        opts: {
          local?: boolean;
          timeScale: number;
          autoJudge?: 'continue' | 'stop';
          judgmentInput?: string;
          param: Record<string, string>;
          pipelines?: string;
          executionId?: string;
          artifact: Record<string, unknown>[];
        },
      ) => {
        if (!opts.local) throw new UsageError('only --local runs are supported by `run`; deployed pipelines start through their triggers or the API');
        const code = await runLocal({
          file,
          timeScale: opts.timeScale,
          ...(opts.autoJudge ? { autoJudge: opts.autoJudge } : {}),
          ...(opts.judgmentInput ? { judgmentInput: opts.judgmentInput } : {}),
          parameters: opts.param,
          ...(opts.pipelines ? { pipelinesDir: opts.pipelines } : {}),
          ...(opts.executionId ? { executionId: opts.executionId } : {}),
          ...(opts.artifact.length > 0 ? { artifacts: opts.artifact } : {}),
          input: process.stdin,
          out: process.stdout,
          err: process.stderr,
        });
        io.exit(code);
      },
    );
}
