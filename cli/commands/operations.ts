/**
 * trigger, cancel and clusters: against a deployed stack through its HTTP API (--api or
 * GENNAKER_API_URL), or in local mode (a pipeline file run in-process; the active local run's
 * emulator for cancel and clusters).
 */
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { httpApi } from '../../functions/api/http-client.js';
import { cloudClusterReader } from '../../functions/api/clusters.js';
import type { ApplicationClusters } from '../../functions/api/clusters.js';
import { cancelExecution, type ExecutionStopper } from '../../functions/core/cancel.js';
import { ExecutionQueue } from '../../functions/core/concurrency.js';
import type { ExecutionStore } from '../../functions/core/execution-store.js';
import { runLocal } from '../../local/run-local.js';
import { projectRoot, runOwner } from '../../local/environment.js';
import { parseScale } from './local-run.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime.js';
import { localStageFamilies } from '../../local/run-local.js';
import { sleep } from '../../local/clock.js';
import { FINAL_EXECUTION_STATUSES } from '../../functions/core/execution-model.js';
import { ExecutionNotFoundError } from '../../functions/core/errors.js';
import { NO_ENVIRONMENT, type Target, target } from '../target.js';
import { emit, type OutputFormat, outputOption } from '../output.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { pipelinesIn } from '../../functions/core/pipeline-files.js';

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
 * process died is ended here, with every local stage family loaded for cleanup.
 */
export async function cancelLocal(
  executionId: string,
  reason: string | undefined,
  io: Io,
  runtimeOptions: LocalRuntimeOptions = { families: localStageFamilies() },
): Promise<number> {
  const from = await localTarget();
  const record = await from.store.getExecution(executionId);
  if (!record) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
  if (FINAL_EXECUTION_STATUSES.has(record.status)) {
    io.out(`${executionId}: already finished ${record.status}; nothing to cancel`);
    return record.status === 'CANCELED' ? EXIT.ok : EXIT.failed;
  }
  const runtime = new LocalRuntime(runtimeOptions);
  const { store, clock, notifier, implementations } = runtime.deps;
  const result = await cancelExecution(
    executionId,
    {
      store,
      clock,
      notifier,
      implementations,
      stopper: ownerProcessStopper(store),
      queue: new ExecutionQueue({ store, launcher: runtime.launcher, clock, notifier }),
    },
    { user: runtime.user, reason: reason ?? 'canceled from the command line' },
  );
  io.out(`${executionId}: ${result.execution.status}`);
  return EXIT.ok;
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

export function clusterLines(view: ApplicationClusters): string[] {
  const lines = [`${view.application} in ${view.account}/${view.region}`];
  if (view.clusters.length === 0 && (view.functions ?? []).length === 0) lines.push('  no clusters');
  for (const cluster of view.clusters) {
    lines.push(`  ${cluster.cluster}`);
    for (const g of cluster.serverGroups) {
      const serving = g.enabled ? 'serving' : `disabled${g.disabledReason ? ` (${g.disabledReason})` : ''}`;
      lines.push(
        `    ${g.name.padEnd(28)} ${serving.padEnd(12)} ${`${g.capacity.min}/${g.capacity.desired}/${g.capacity.max}`.padEnd(9)} ${String(g.imageId ?? '').padEnd(22)} ${g.health.up}/${g.health.total} up`,
      );
    }
  }
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
      '\nExamples:\n  gennaker trigger demo release -p version=2.0.0 --time-scale 20\n  gennaker trigger demo release -p version=2.0.0 --api https://abc.execute-api.us-east-1.amazonaws.com',
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
    .addHelpText(
      'after',
      '\nExit status: 0 canceled (or already CANCELED), 1 already finished otherwise or not found.\n\nExamples:\n  gennaker cancel release-4f2c...\n  gennaker cancel release-4f2c... --reason "wrong version"',
    )
    .action(async (executionId: string, opts: { reason?: string; api?: string }) => {
      const url = apiUrl(opts);
      if (url) {
        const result = await httpApi({ baseUrl: url }).cancelExecution(executionId, opts.reason);
        io.out(`${executionId}: ${result.status}`);
        return;
      }
      io.exit(await cancelLocal(executionId, opts.reason, io));
    });

  program
    .command('clusters')
    .description("Show an application's clusters: server groups, image, capacity, serving or not, health")
    .argument('<application>')
    .option('--account <name>', 'account name from the accounts file')
    .option('--region <region>', 'region')
    .option('--api <url>', "the deployed stack's HTTP API (default: GENNAKER_API_URL; without it, the local environment)")
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  gennaker clusters demo\n  gennaker clusters demo --region us-east-1 -o json')
    .action(async (application: string, opts: { account?: string; region?: string; api?: string; output: OutputFormat }) => {
      const query = { application, ...(opts.account ? { account: opts.account } : {}), ...(opts.region ? { region: opts.region } : {}) };
      const url = apiUrl(opts);
      const view = url ? await httpApi({ baseUrl: url }).clusterView(query) : (await localTarget(), await cloudClusterReader().describeApplication(query));
      emit(io, opts.output, view, () => clusterLines(view));
    });
}
