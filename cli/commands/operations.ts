/**
 * trigger, cancel and clusters: against a deployed stack through its HTTP API (--api or
 * GENNAKER_API_URL), or in local mode (a pipeline file run in-process; the active local run's
 * emulator for cancel and clusters).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { httpApi } from '../../functions/api/http-client.js';
import { cloudClusterReader } from '../../functions/api/clusters.js';
import type { ApplicationClusters } from '../../functions/api/clusters.js';
import { resetClientCache } from '../../functions/core/aws-clients.js';
import { finalizeExecution } from '../../functions/core/engine/lifecycle-ops.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { releaseLocksHeldBy } from '../../functions/core/locks-release.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { pipelinesIn, type ValidPipelineFile } from '../../functions/core/pipeline-files.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { runLocal } from '../../local/run-local.js';
import { readSession, useEndpoint } from '../../local/session.js';
import { resolveParameters } from '../../state-machines/model/parameters.js';
import { formatProblem } from '../../state-machines/model/problems.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';

const apiUrl = (opts: { api?: string }) => opts.api ?? process.env.GENNAKER_API_URL;

function parseParameter(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Points the SDK at the active local run's emulator, or explains there is none. */
async function localSession(): Promise<void> {
  const session = await readSession();
  if (!session) throw new UsageError('no local run is active here; pass --api <url> (or set GENNAKER_API_URL) for a deployed stack');
  useEndpoint(session.endpoint);
  resetClientCache();
}

export function printClusters(view: ApplicationClusters, io: Io): void {
  io.out(`${view.application} in ${view.account}/${view.region}`);
  if (view.clusters.length === 0) io.out('  no clusters');
  for (const cluster of view.clusters) {
    io.out(`  ${cluster.cluster}`);
    for (const g of cluster.serverGroups) {
      const serving = g.enabled ? 'serving' : `disabled${g.disabledReason ? ` (${g.disabledReason})` : ''}`;
      io.out(
        `    ${g.name.padEnd(28)} ${serving.padEnd(12)} ${`${g.capacity.min}/${g.capacity.desired}/${g.capacity.max}`.padEnd(9)} ${String(g.imageId ?? '').padEnd(22)} ${g.health.up}/${g.health.total} up`,
      );
    }
  }
}

function findPipelineFile(dir: string, application: string, pipeline: string): ValidPipelineFile {
  const found = pipelinesIn(dir).find((f) => f.pipeline.application === application && (f.pipeline.name === pipeline || f.pipeline.id === pipeline));
  if (!found) throw new UsageError(`no pipeline ${application}/${pipeline} in ${dir}`);
  return found;
}

export function registerOperationCommands(program: Command, io: Io): void {
  program
    .command('trigger')
    .description('Start a pipeline as a manual trigger would: parameters checked against parameterConfig')
    .argument('<application>')
    .argument('<pipeline>', 'pipeline name or id')
    .option('-p, --param <key=value>', 'pipeline parameter (repeatable)', parseParameter, {})
    .option('--api <url>', 'the deployed stack\'s HTTP API (default: GENNAKER_API_URL; without it, runs locally)')
    .option('--pipelines <dir>', 'local mode: where pipeline files are', 'pipelines')
    .option('--time-scale <n>', 'local mode: run waits this many times faster', (v) => Number(v), 1)
    .action(async (application: string, pipeline: string, opts: { param: Record<string, string>; api?: string; pipelines: string; timeScale: number }) => {
      const url = apiUrl(opts);
      if (url) {
        const result = await httpApi({ baseUrl: url }).triggerPipeline({ application, pipeline, parameters: opts.param });
        io.out(JSON.stringify(result, null, 2));
        return;
      }
      const loaded = findPipelineFile(opts.pipelines, application, pipeline);
      const file = loaded.source;
      const resolved = resolveParameters(loaded.pipeline.parameterConfig, opts.param);
      if (resolved.errors.length > 0) {
        for (const e of resolved.errors) io.err(formatProblem(e));
        return io.exit(EXIT.invalid);
      }
      io.exit(
        await runLocal({ file, timeScale: opts.timeScale, parameters: opts.param, input: process.stdin, out: process.stdout, err: process.stderr }),
      );
    });

  program
    .command('cancel')
    .description('Cancel an execution: stop it, record CANCELED, release its locks')
    .argument('<executionId>')
    .option('--reason <text>', 'why')
    .option('--api <url>', 'the deployed stack\'s HTTP API (default: GENNAKER_API_URL; without it, the active local run)')
    .action(async (executionId: string, opts: { reason?: string; api?: string }) => {
      const url = apiUrl(opts);
      if (url) {
        const result = await httpApi({ baseUrl: url }).cancelExecution(executionId, opts.reason);
        io.out(`${executionId}: ${result.status}`);
        return;
      }
      await localSession();
      // The local run sees CANCELED at its next step and stops; running stages get their cancel().
      const deps = {
        store: new ExecutionStore(),
        clock: systemClock,
        random: Math.random,
        notifier: new MemoryNotifier(),
        implementations: new Map(),
        awaitPollSeconds: 1,
        onExecutionFinished: async () => void (await releaseLocksHeldBy(executionId)),
      };
      const result = await finalizeExecution(executionId, deps, { forced: 'CANCELED', reason: opts.reason ?? 'canceled from the command line' });
      io.out(`${executionId}: ${result.status}`);
    });

  program
    .command('clusters')
    .description('Show an application\'s clusters: server groups, image, capacity, serving or not, health')
    .argument('<application>')
    .option('--account <name>', 'account name from the accounts file')
    .option('--region <region>', 'region')
    .option('--api <url>', 'the deployed stack\'s HTTP API (default: GENNAKER_API_URL; without it, the active local run)')
    .action(async (application: string, opts: { account?: string; region?: string; api?: string }) => {
      const query = { application, ...(opts.account ? { account: opts.account } : {}), ...(opts.region ? { region: opts.region } : {}) };
      const url = apiUrl(opts);
      if (url) return printClusters(await httpApi({ baseUrl: url }).clusterView(query), io);
      await localSession();
      printClusters(await cloudClusterReader().describeApplication(query), io);
    });
}
