/** executions list|show and judge: work against an active local run, saved local records, or AWS. */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { resetClientCache, sfnClient } from '../../functions/core/aws-clients.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { ExecutionNotFoundError } from '../../functions/core/errors.js';
import { submitJudgment } from '../../functions/core/judgment.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { readSavedRecords, readSession, useEndpoint } from '../../local/session.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

type Source = { kind: 'store'; store: ExecutionStore; local: boolean } | { kind: 'saved' };

/** An active local run wins; else AWS when an endpoint or credentials are configured; else saved local records. */
async function source(): Promise<Source> {
  const session = await readSession();
  if (session) {
    useEndpoint(session.endpoint);
    resetClientCache();
    return { kind: 'store', store: new ExecutionStore(), local: true };
  }
  if (process.env.AWS_ENDPOINT_URL || process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE) {
    return { kind: 'store', store: new ExecutionStore(), local: Boolean(process.env.AWS_ENDPOINT_URL) };
  }
  return { kind: 'saved' };
}

function summary(r: Record<string, unknown>): string {
  const start = typeof r.startTime === 'number' ? new Date(r.startTime).toISOString() : '';
  return `${String(r.id)}  ${String(r.application)}/${String(r.pipelineName)}  ${String(r.status)}  ${start}`;
}

function redact(record: unknown): unknown {
  return JSON.parse(JSON.stringify(record, (key, value) => (key === 'callbackToken' ? undefined : value)));
}

export function registerExecutionCommands(program: Command, io: Io): void {
  const executions = program.command('executions').description('List and inspect executions');
  executions
    .command('list')
    .description('List executions, newest first')
    .option('-a, --application <name>', 'application (required against AWS)')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--status <status>', 'only this status (RUNNING, SUCCEEDED, TERMINAL, ...)')
    .option('--limit <n>', 'at most n', (v) => Number(v), 20)
    .action(async (opts: { application?: string; pipeline?: string; status?: string; limit: number }) => {
      const from = await source();
      let records: Array<Record<string, unknown>>;
      if (from.kind === 'saved') records = await readSavedRecords();
      else {
        if (!opts.application) throw new UsageError('--application is required');
        records = (await from.store.list({ application: opts.application, limit: opts.limit })) as unknown as Array<Record<string, unknown>>;
      }
      const shown = records
        .filter((r) => !opts.application || r.application === opts.application)
        .filter((r) => !opts.pipeline || r.pipelineName === opts.pipeline)
        .filter((r) => !opts.status || r.status === opts.status)
        .slice(0, opts.limit);
      if (shown.length === 0) io.out('no executions');
      for (const r of shown) io.out(summary(r));
    });
  executions
    .command('show')
    .description('Print one execution record as JSON')
    .argument('<executionId>')
    .action(async (id: string) => {
      const from = await source();
      const record =
        from.kind === 'saved' ? (await readSavedRecords()).find((r) => r.id === id) : await from.store.load(id);
      if (!record) throw new ExecutionNotFoundError(`no execution '${id}'`);
      io.write(`${JSON.stringify(redact(record), null, 2)}\n`);
    });

  program
    .command('judge')
    .description('Answer a manual judgment: continue or stop')
    .argument('<executionId>')
    .argument('<stage>', 'stage name or refId')
    .argument('<judgment>', 'continue | stop')
    .option('--input <value>', 'the judgment input to choose')
    .option('--user <name>', 'who judges', safeUser())
    .option('--role <role...>', 'roles of the judge (for requiredJudgmentRoles)')
    .action(async (executionId: string, stage: string, judgment: string, opts: { input?: string; user: string; role?: string[] }) => {
      if (judgment !== 'continue' && judgment !== 'stop') throw new UsageError(`judgment must be 'continue' or 'stop', not '${judgment}'`);
      const from = await source();
      if (from.kind === 'saved') throw new UsageError('no local run is active and no AWS endpoint or credentials are configured');
      const written = await submitJudgment(
        { executionId, stage, judgment, user: opts.user, ...(opts.input ? { input: opts.input } : {}), ...(opts.role ? { roles: opts.role } : {}) },
        {
          store: from.store,
          clock: systemClock,
          // A local run watches the record; a deployed state machine waits for its task token.
          resume: from.local
            ? async () => undefined
            : async (taskToken, output) => {
                await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
              },
        },
      );
      io.out(`${written.name}: ${judgment} → ${written.status}`);
    });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}
