/**
 * trigger, cancel, pause, resume, restart and clusters: against a deployed stack through its HTTP
 * API (--api or GENNAKER_API_URL), or in local mode (a pipeline file run in-process; the active local run's
 * emulator for cancel and clusters).
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type OperationsDeps, pauseExecution, resumeExecution } from '../../functions/api/operations.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { buildTriggerDeps } from '../../functions/triggers/deps.js';
import { type InProcessLauncher, inProcessStack } from '../../functions/triggers/local.js';
import { lifecycleSuccessors } from '../../functions/triggers/lifecycle/lifecycle.js';
import { MemoryLog } from '../../functions/core/log.js';
import { terminalUser } from '../../local/user.js';
import { httpApi } from '../../functions/api/http-client.js';
import { cloudClusterReader } from '../../functions/api/clusters.js';
import type { ApplicationClusters } from '../../functions/api/clusters.js';
import { cancelExecution, type ExecutionStopper } from '../../functions/core/cancel.js';
import type { ExecutionStore } from '../../functions/core/execution-store.js';
import { restartLocal, runLocal } from '../../local/run-local.js';
import { projectRoot, registerRun, runOwner, unregisterRun } from '../../local/environment.js';
import { parseScale } from './local-run.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime.js';
import { localStageFamilies } from '../../local/run-local.js';
import { sleep } from '../../local/clock.js';
import { FINAL_EXECUTION_STATUSES } from '../../functions/core/execution-model.js';
import { ExecutionNotFoundError } from '../../functions/core/errors.js';
import { NO_ENVIRONMENT, type Target, target } from '../target.js';
import { columns, emit, type OutputFormat, outputOption } from '../output.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { directoryRegistry, pipelinesIn } from '../../functions/core/pipeline-files.js';

const apiUrl = (opts: { api?: string }) => opts.api ?? process.env.GENNAKER_API_URL;

function parseParameter(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Points the SDK at the local environment's emulator, or explains there is none. */
async function localTarget(): Promise<Extract<Target, { kind: 'emulator' }>> {
  const from = await target();
  if (from.kind !== 'emulator') throw new UsageError(NO_ENVIRONMENT);
  return from;
}

/**
 * A local cancel is the API's cancel (core/cancel.ts: who canceled recorded, stage cleanup,
 * notification, locks released, the end's every step), with the run's own process as the stopper:
 * it is signalled and cancels as Ctrl-C there would, with its stages' state in hand. A run whose
 * process died is ended here, with every local stage family loaded for cleanup. What follows the
 * end starts here, as it would in the lifecycle handler (the local stack, functions/triggers/local.ts):
 * the pipeline's next waiting run, and pipelines the completed event triggers; they run on in this
 * process until they end (`followStarted`).
 */
export async function cancelLocal(
  executionId: string,
  reason: string | undefined,
  io: Io,
  runtimeOptions: LocalRuntimeOptions = { families: localStageFamilies() },
  pipelinesDir = join(projectRoot(), 'pipelines'),
): Promise<number> {
  const from = await localTarget();
  const record = await from.store.getExecution(executionId);
  if (!record) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
  if (FINAL_EXECUTION_STATUSES.has(record.status)) {
    io.out(`${executionId}: already finished ${record.status}; nothing to cancel`);
    return record.status === 'CANCELED' ? EXIT.ok : EXIT.failed;
  }
  const runtime = new LocalRuntime(runtimeOptions);
  const stack = inProcessStack(runtime, { registry: directoryRegistry(pipelinesDir), notifier: runtime.notifier, log: new MemoryLog() });
  const { store, clock, notifier, implementations } = runtime.deps;
  const result = await cancelExecution(
    executionId,
    {
      store,
      clock,
      notifier,
      implementations,
      stopper: ownerProcessStopper(store),
      queue: stack.triggers.queue,
      successors: lifecycleSuccessors(stack.lifecycle),
    },
    { user: runtime.user, reason: reason ?? 'canceled from the command line' },
  );
  io.out(`${executionId}: ${result.execution.status}`);
  await followStarted(stack.launcher, store, runtime.user, io);
  return EXIT.ok;
}

/**
 * Runs what the end started in this process until everything has ended, each registered as a
 * local run (so `gennaker cancel <id>` from another shell signals this process). A signal cancels
 * the runs another shell asked to cancel (their records say who), else (Ctrl-C) every one.
 */
async function followStarted(launcher: InProcessLauncher, store: ExecutionStore, user: string, io: Io): Promise<void> {
  const shown = new Set<string>();
  const show = async () => {
    for (const id of launcher.startedExecutions()) {
      if (shown.has(id)) continue;
      shown.add(id);
      const run = await store.getExecution(id);
      const pipeline = run ? `${run.application}/${run.pipelineName}` : 'a pipeline';
      await registerRun({
        executionId: id,
        pid: process.pid,
        application: run?.application ?? '',
        pipelineName: run?.pipelineName ?? '',
        startedAt: Date.now(),
      });
      io.out(`Started ${id} (${pipeline}): it runs in this process until it ends (Ctrl-C cancels it)`);
    }
  };
  const onSignal = () =>
    void (async () => {
      const open = (await Promise.all([...shown].map((id) => store.getExecution(id)))).filter((r) => r && !FINAL_EXECUTION_STATUSES.has(r.status));
      const asked = open.filter((r) => r!.canceledBy);
      for (const r of asked.length > 0 ? asked : open) await launcher.stopper.stop(r!, user);
    })().catch((error: Error) => io.err(`cancel failed: ${error.message}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let idle = false;
    const ended = launcher.idle().then(() => (idle = true));
    while (!idle) {
      await show();
      await Promise.race([ended, sleep(250)]);
    }
    await show();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const id of shown) await unregisterRun(id);
  }
  for (const id of shown) io.out(`${id}: ${(await store.getExecution(id))?.status ?? 'unknown'}`);
  for (const error of launcher.errors) io.err(`what followed an end failed: ${(error as Error).message}`);
}

/** Signals the process running a local execution and waits for it to end the run (nothing to stop when it died). */
function ownerProcessStopper(store: ExecutionStore): ExecutionStopper {
  return {
    async stop(execution) {
      const owner = await runOwner(execution.id);
      if (!owner) return;
      process.kill(owner.pid, 'SIGTERM');
      const deadline = Date.now() + 120_000;
      for (;;) {
        const now = await store.getExecution(execution.id);
        if (now && FINAL_EXECUTION_STATUSES.has(now.status)) return;
        if (Date.now() > deadline) throw new Error(`the run of ${execution.id} (process ${owner.pid}) did not finish canceling within 2 minutes`);
        await sleep(200);
      }
    },
  };
}

/** The API's operations against the local environment (pause and resume act on the record alone). */
async function localOperations(): Promise<OperationsDeps> {
  await localTarget();
  const triggers = buildTriggerDeps({ registry: directoryRegistry(join(projectRoot(), 'pipelines')), notifier: new MemoryNotifier(), log: new MemoryLog() });
  return {
    triggers,
    stopper: { stop: async () => undefined },
    resume: async () => undefined,
  };
}

export function clusterLines(view: ApplicationClusters): string[] {
  const lines = [`${view.application} in ${view.account}/${view.region}`];
  if (view.clusters.length === 0 && (view.functions ?? []).length === 0) lines.push('  no clusters');
  // One column layout for every cluster's server groups, so they line up across clusters.
  const rows = view.clusters.map((cluster) =>
    cluster.serverGroups.map((g) => [
      g.name,
      g.enabled ? 'serving' : 'disabled',
      `${g.capacity.min}/${g.capacity.desired}/${g.capacity.max}`,
      String(g.imageId ?? ''),
      `${g.health.up}/${g.health.total} up`,
      [g.trafficWeight === undefined ? '' : `${g.trafficWeight}% of traffic`, g.enabled || !g.disabledReason ? '' : `(${g.disabledReason})`]
        .filter(Boolean)
        .join('  '),
    ]),
  );
  const aligned = columns(rows.flat(), '    ');
  view.clusters.forEach((cluster, i) => {
    lines.push(`  ${cluster.cluster}${cluster.provider === 'ecs' ? ` (ECS cluster ${cluster.ecsCluster ?? ''})` : ''}`);
    lines.push(...aligned.splice(0, rows[i]!.length));
  });
  // Older APIs answer without functions.
  for (const fn of view.functions ?? []) {
    const versions = fn.versions.map((v) => v.version).join(', ') || 'none published';
    lines.push(
      `  ${fn.functionName} (Lambda${fn.runtime ? ` ${fn.runtime}` : ''})  versions: ${versions}${fn.lastDeploy ? `  last deploy: ${fn.lastDeploy.executionId}` : ''}`,
    );
    for (const a of fn.aliases) {
      lines.push(`    alias ${a.name.padEnd(20)} → ${a.traffic.map((t) => `${t.version} ${t.percent}%`).join(', ')}`);
    }
  }
  return lines;
}

function findPipelineFile(dir: string, application: string, pipeline: string): string {
  const found = pipelinesIn(dir).find((f) => f.pipeline.application === application && (f.pipeline.name === pipeline || f.pipeline.id === pipeline));
  if (!found) throw new UsageError(`no pipeline ${application}/${pipeline} in ${dir}`);
  return found.source;
}

export function registerOperationCommands(program: Command, io: Io): void {
  program
    .command('trigger')
    .description('Start a pipeline as a manual trigger would: parameters checked against parameterConfig')
    .argument('<application>')
    .argument('<pipeline>', 'pipeline name or id')
    .option('-p, --param <key=value>', 'pipeline parameter (repeatable)', parseParameter, {})
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, runs locally)")
    .option('--pipelines <dir>', "local mode: where pipeline files are (default: the project's pipelines/)")
    .option('--time-scale <n>', 'local mode: run waits this many times faster', parseScale, 1)
    .addHelpText(
      'after',
      '\nExamples:\n  npx gennaker trigger demo release -p version=2.0.0 --time-scale 20\n  npx gennaker trigger demo release -p version=2.0.0 --api https://abc.execute-api.us-east-1.amazonaws.com',
    )
    .action(async (application: string, pipeline: string, opts: { param: Record<string, string>; api?: string; pipelines?: string; timeScale: number }) => {
      const url = apiUrl(opts);
      if (url) {
        const result = await httpApi({ baseUrl: url }).triggerPipeline({ application, pipeline, parameters: opts.param });
        io.out(JSON.stringify(result, null, 2));
        return;
      }
      const dir = opts.pipelines ?? join(projectRoot(), 'pipelines');
      const file = findPipelineFile(dir, application, pipeline);
      // runLocal checks the parameters as every trigger does, and exits 2 before starting.
      io.exit(
        await runLocal({
          file,
          timeScale: opts.timeScale,
          parameters: opts.param,
          pipelinesDir: dir,
          input: process.stdin,
          out: process.stdout,
          err: process.stderr,
        }),
      );
    });

  program
    .command('cancel')
    .description('Cancel a running execution: stop its stages and clean up, release its locks, record CANCELED')
    .argument('<executionId>')
    .option('--reason <text>', 'why')
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, the local environment)")
    .option('--pipelines <dir>', "local mode: where pipeline files are, for what the end starts (default: the project's pipelines/)")
    .addHelpText(
      'after',
      '\nLocally, the next run waiting for the pipeline (limitConcurrent) and pipelines the completed event triggers start and run on in this process until they end (Ctrl-C cancels them).\n\nExit status: 0 canceled (or already CANCELED), 1 already finished otherwise or not found.\n\nExamples:\n  npx gennaker cancel release-4f2c...\n  npx gennaker cancel release-4f2c... --reason "wrong version"',
    )
    .action(async (executionId: string, opts: { reason?: string; api?: string; pipelines?: string }) => {
      const url = apiUrl(opts);
      if (url) {
        const result = await httpApi({ baseUrl: url }).cancelExecution(executionId, opts.reason);
        io.out(`${executionId}: ${result.status}`);
        return;
      }
      io.exit(await cancelLocal(executionId, opts.reason, io, undefined, opts.pipelines));
    });

  program
    .command('pause')
    .description("Pause a running execution: its stages stop at their next check and none starts until 'resume' (cancel still works)")
    .argument('<executionId>')
    .option('--user <name>', 'who pauses', terminalUser())
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, the local environment)")
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nA run waiting for a concurrency slot is held in the queue instead.\n\nExit status: 0 paused (or already paused), 1 not found or not running, 2 usage.\n\nExamples:\n  npx gennaker pause release-4f2c...\n  npx gennaker pause release-4f2c... -o json',
    )
    .action(async (executionId: string, opts: { user: string; api?: string; output: OutputFormat }) => {
      const url = apiUrl(opts);
      const result = url
        ? await httpApi({ baseUrl: url }).pauseExecution(executionId)
        : await pauseExecution(executionId, { user: opts.user, roles: [] }, await localOperations());
      emit(io, opts.output, result, () => [`${executionId}: ${result.status}${result.changed ? '' : ' (already)'}`]);
    });

  program
    .command('resume')
    .description('Resume a paused execution: its stages go on from where they were (paused time does not count against waits and timeouts)')
    .argument('<executionId>')
    .option('--user <name>', 'who resumes', terminalUser())
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, the local environment)")
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit status: 0 resumed (or already running), 1 not found or not paused, 2 usage.\n\nExamples:\n  npx gennaker resume release-4f2c...\n  npx gennaker resume release-4f2c... --api https://abc.execute-api.us-east-1.amazonaws.com',
    )
    .action(async (executionId: string, opts: { user: string; api?: string; output: OutputFormat }) => {
      const url = apiUrl(opts);
      const result = url
        ? await httpApi({ baseUrl: url }).resumeExecution(executionId)
        : await resumeExecution(executionId, { user: opts.user, roles: [] }, await localOperations());
      emit(io, opts.output, result, () => [`${executionId}: ${result.status}${result.changed ? '' : ' (already)'}`]);
    });

  program
    .command('restart')
    .description('Restart a failed or canceled stage of a finished execution: it and the stages after it run again, earlier stages keep their results')
    .argument('<executionId>')
    .argument('<stage>', 'stage name or refId')
    .option('--user <name>', 'who restarts', terminalUser())
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, runs on locally in this process)")
    .option('--file <pipeline>', 'local mode: the pipeline file (default: the file the run came from, else the project pipelines/)')
    .option('--pipelines <dir>', "local mode: where pipeline files are (default: the project's pipelines/)")
    .option('--time-scale <n>', 'local mode: run waits this many times faster', parseScale, 1)
    .addOption(new Option('--auto-judge <judgment>', 'local mode: answer manual judgments automatically').choices(['continue', 'stop']))
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Locally the run goes on in this process with live progress, as 'run --local' shows it (Ctrl-C cancels).
Against --api the restart is sent with an idempotency key, so a retried request restarts once.

Exit status: 0 the run then SUCCEEDED (--api: restarted), 1 not found, refused (the execution is
still running, or the stage did not fail) or the run failed again, 2 usage, 130 Ctrl-C.

Examples:
  npx gennaker restart release-4f2c... Deploy
  npx gennaker restart release-4f2c... 3 --time-scale 20
  npx gennaker restart release-4f2c... Deploy --api https://abc.execute-api.us-east-1.amazonaws.com -o json`,
    )
    .action(
      async (
        executionId: string,
        stage: string,
        opts: { user: string; api?: string; file?: string; pipelines?: string; timeScale: number; autoJudge?: 'continue' | 'stop'; output: OutputFormat },
      ) => {
        const url = apiUrl(opts);
        if (url) {
          const result = await httpApi({ baseUrl: url }).restartStage({ executionId, stage, idempotencyKey: randomUUID() });
          emit(io, opts.output, result, () => [`${executionId}: ${result.status}, restarted ${result.restartedStages.join(', ')}`]);
          return;
        }
        await localTarget();
        io.exit(
          await restartLocal({
            executionId,
            stage,
            user: opts.user,
            timeScale: opts.timeScale,
            ...(opts.autoJudge ? { autoJudge: opts.autoJudge } : {}),
            ...(opts.file ? { file: opts.file } : {}),
            ...(opts.pipelines ? { pipelinesDir: opts.pipelines } : {}),
            input: process.stdin,
            out: process.stdout,
            err: process.stderr,
          }),
        );
      },
    );

  program
    .command('clusters')
    .description("Show an application's clusters: server groups, image, capacity, serving or not, health")
    .argument('<application>')
    .option('--account <name>', 'account name from the accounts file')
    .option('--region <region>', 'region')
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, the local environment)")
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  npx gennaker clusters demo\n  npx gennaker clusters demo --region us-east-1 -o json')
    .action(async (application: string, opts: { account?: string; region?: string; api?: string; output: OutputFormat }) => {
      const query = { application, ...(opts.account ? { account: opts.account } : {}), ...(opts.region ? { region: opts.region } : {}) };
      const url = apiUrl(opts);
      const view = url ? await httpApi({ baseUrl: url }).clusterView(query) : (await localTarget(), await cloudClusterReader().describeApplication(query));
      emit(io, opts.output, view, () => clusterLines(view));
    });
}
