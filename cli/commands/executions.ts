/** executions list|show, judge and promote: against the local environment, AWS, or saved local records. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { sfnClient } from '../../functions/core/aws-clients.js';
import { ExecutionNotFoundError } from '../../functions/core/errors.js';
import type { ExecutionView } from '../../functions/core/execution-model.js';
import { judgmentStateOf, submitJudgment } from '../../functions/core/judgment.js';
import { promotionOf, submitPromote } from '../../functions/core/promote.js';
import { sfnTaskResumer, type TaskResumer } from '../../functions/core/task-resume.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { readSavedRecords } from '../../local/environment.js';
import { renderTree } from '../../local/progress.js';
import { shellQuote } from '../../local/prompt.js';
import { terminalUser } from '../../local/user.js';
import { scanExecutions } from '../../local/records.js';
import { UsageError } from '../errors.js';
import { colourOn, paint } from '../../local/colour.js';
import type { Io } from '../io.js';
import { columns, emit, type OutputFormat, outputOption, redact } from '../output.js';
import { NO_ENVIRONMENT, target } from '../target.js';

const EXECUTION_STATUSES = ['NOT_STARTED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'TERMINAL', 'CANCELED'] as const;

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number > 0');
  return n;
}

type Row = Record<string, unknown>;

function summaryRows(records: readonly Row[]): string[] {
  if (records.length === 0) return ['no executions'];
  const when = (r: Row) => (typeof r.startTime === 'number' ? new Date(r.startTime).toISOString().replace(/\.\d+Z$/, 'Z') : '');
  return columns(records.map((r) => [String(r.id), `${String(r.application)}/${String(r.pipelineName)}`, String(r.status), when(r)]));
}

/** Scalar outputs a stage produced, short enough for one line. */
function keyOutputs(outputs: Record<string, unknown> | undefined): string {
  const shown = Object.entries(outputs ?? {})
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 4)
    .map(([k, v]) => `${k}=${String(v).length > 48 ? `${String(v).slice(0, 45)}...` : String(v)}`);
  return shown.join(', ');
}

/** The stage tree `executions show` prints: status, duration, error, key outputs. */
function describeExecution(view: ExecutionView, now = Date.now(), colour = colourOn()): string[] {
  const tree = renderTree(view, now, { colour });
  const lines = [`${view.id}  ${tree[0]!}`];
  view.stages.forEach((stage, i) => {
    lines.push(tree[i + 1]!);
    const outputs = keyOutputs(stage.outputs);
    if (outputs) lines.push(`${' '.repeat(tree[i + 1]!.length - tree[i + 1]!.trimStart().length + 4)}${paint(colour, 'dim', outputs)}`);
  });
  if (view.error) lines.push(`error: ${view.error}`);
  return lines;
}

async function listRecords(opts: { application?: string; pipeline?: string; status?: string; limit: number }): Promise<Row[]> {
  const from = await target();
  let records: Row[];
  if (from.kind === 'saved') records = await readSavedRecords();
  else if (from.kind === 'emulator') {
    const live = (await scanExecutions()) as unknown as Row[];
    const ids = new Set(live.map((r) => r.id));
    records = [...live, ...(await readSavedRecords()).filter((r) => !ids.has(r.id))].sort((a, b) => Number(b.startTime ?? 0) - Number(a.startTime ?? 0));
  } else {
    if (!opts.application) throw new UsageError('--application is required against AWS');
    records = (await from.store.list({ application: opts.application, limit: opts.limit })) as unknown as Row[];
  }
  return records
    .filter((r) => !opts.application || r.application === opts.application)
    .filter((r) => !opts.pipeline || r.pipelineName === opts.pipeline)
    .filter((r) => !opts.status || r.status === opts.status)
    .slice(0, opts.limit);
}

async function loadExecution(id: string): Promise<ExecutionView> {
  const from = await target();
  if (from.kind !== 'saved') {
    const found = await from.store.getExecution(id);
    if (found) return from.store.load(id);
  }
  const saved = (await readSavedRecords()).find((r) => r.id === id);
  if (!saved) throw new ExecutionNotFoundError(`no execution '${id}'${from.kind === 'saved' ? ` (${NO_ENVIRONMENT})` : ''}`);
  return saved as unknown as ExecutionView;
}

export function registerExecutionCommands(program: Command, io: Io): void {
  const executions = program
    .command('executions')
    .description('List and inspect executions')
    .addHelpText('after', '\nExamples:\n  npx gennaker executions list -a demo\n  npx gennaker executions show <executionId>');
  executions
    .command('list')
    .description('List executions, newest first')
    .option('-a, --application <name>', 'only this application (required against AWS)')
    .option('--pipeline <name>', 'only this pipeline')
    .addOption(new Option('--status <status>', 'only this status').choices(EXECUTION_STATUSES))
    .option('--limit <n>', 'at most n', positiveInteger, 20)
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  npx gennaker executions list\n  npx gennaker executions list -a demo --status RUNNING -o json')
    .action(async (opts: { application?: string; pipeline?: string; status?: string; limit: number; output: OutputFormat }) => {
      const rows = (await listRecords(opts)).map(redact);
      emit(
        io,
        opts.output,
        rows.map(({ stages: _s, skeleton: _k, ...r }) => r),
        () => summaryRows(rows),
      );
    });
  executions
    .command('show')
    .description('Show one execution: its stage tree (status, duration, error, key outputs), or the record')
    .argument('<executionId>')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  npx gennaker executions show release-4f2c...\n  npx gennaker executions show release-4f2c... -o json | jq .stages')
    .action(async (id: string, opts: { output: OutputFormat }) => {
      const view = redact(await loadExecution(id));
      emit(io, opts.output, view, () => describeExecution(view));
    });

  program
    .command('judge')
    .description('Answer a manual judgment: continue or stop')
    .argument('<executionId>')
    .argument('<stage>', 'stage name or refId')
    .argument('<judgment>', 'continue | stop')
    .option('--input <value>', 'the judgment input to choose (required to continue when the stage offers inputs)')
    .option('--user <name>', 'who judges', terminalUser())
    .option('--role <role...>', 'roles of the judge (for requiredJudgmentRoles)')
    .addHelpText(
      'after',
      "\nExamples:\n  npx gennaker judge release-4f2c... 'Approve release' continue --input 'ship it'\n  npx gennaker judge release-4f2c... judge stop",
    )
    .action(async (executionId: string, stage: string, judgment: string, opts: { input?: string; user: string; role?: string[] }) => {
      if (judgment !== 'continue' && judgment !== 'stop') throw new UsageError(`judgment must be 'continue' or 'stop', not '${judgment}'`);
      const from = await target();
      if (from.kind === 'saved') throw new UsageError(NO_ENVIRONMENT);
      // As the terminal prompt does: continuing a stage that offers inputs means choosing one.
      const view = await from.store.load(executionId);
      const found = view.stages.find((s) => s.refId === stage || s.name === stage);
      const inputs = found ? judgmentStateOf(found.context).inputs : [];
      if (found && judgment === 'continue' && inputs.length > 0 && opts.input === undefined) {
        throw new UsageError(`stage '${found.name}' asks for an input: add --input with one of ${inputs.map(shellQuote).join(', ')}`);
      }
      const written = await submitJudgment(
        {
          executionId,
          stage,
          judgment,
          user: opts.user,
          ...(opts.input !== undefined ? { input: opts.input } : {}),
          ...(opts.role ? { roles: opts.role } : {}),
        },
        {
          store: from.store,
          clock: systemClock,
          // A local run watches the record; a deployed state machine waits for its task token, answered
          // as the API answers it (a stop that halts is a SendTaskFailure with the signal the Catch routes).
          resume: resumerFor(from),
        },
      );
      io.out(`${written.name}: ${judgment}${opts.input !== undefined ? ` (${opts.input})` : ''} → ${written.status}`);
    });

  program
    .command('promote')
    .description('Promote a progressive traffic step that waits for it (a step without pauseSec): traffic moves on to the next step')
    .argument('<executionId>')
    .argument('[stage]', 'stage name or refId (needed only when several stages wait)')
    .option('--user <name>', 'who promotes', terminalUser())
    .addHelpText('after', "\nExamples:\n  npx gennaker promote release-4f2c...\n  npx gennaker promote release-4f2c... 'Deploy to prod'")
    .action(async (executionId: string, stage: string | undefined, opts: { user: string }) => {
      const from = await target();
      if (from.kind === 'saved') throw new UsageError(NO_ENVIRONMENT);
      const written = await submitPromote(
        { executionId, ...(stage !== undefined ? { stage } : {}), user: opts.user },
        // A local run watches the record; a deployed state machine waits for its task token.
        { store: from.store, clock: systemClock, resume: resumerFor(from) },
      );
      const step = promotionOf(written.context).promoted.at(-1);
      io.out(`${written.name}: promoted traffic step ${step !== undefined ? step + 1 : '?'} → the next step`);
    });
}

/** How a judgment or promote resumes the run: a local run watches the record; a deployed one waits on its task token. */
function resumerFor(from: { readonly kind: 'emulator' | 'aws' }): TaskResumer {
  return from.kind === 'emulator' ? async () => undefined : sfnTaskResumer(sfnClient());
}
