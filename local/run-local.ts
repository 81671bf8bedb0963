/**
 * `gennaker run --local`: validate (pipeline and parameters, exit 2 before anything starts), reuse
 * or bring up the local environment, run the pipeline in-process with live progress, save the
 * final record as JSON, and exit 0 only when the execution SUCCEEDED. Ctrl-C (or `gennaker cancel`
 * from another shell, which signals this process) cancels the run: stages cleaned up, locks
 * released, the record saved CANCELED; a second Ctrl-C quits without waiting.
 */
import { GENNAKER } from './command-name.js';
import { dirname, join, resolve } from 'node:path';
import { bindTriggerArtifacts, priorArtifactsIn } from '../functions/core/artifacts/bind.js';
import { ArtifactResolutionError } from '../functions/core/artifacts/resolve.js';
import { concurrencyPolicyOf } from '../functions/core/concurrency.js';
import { ExecutionNotFoundError, InvalidInputError } from '../functions/core/errors.js';
import { ExecutionStore } from '../functions/core/execution-store.js';
import type { PipelineLauncher } from '../functions/core/pipeline-launcher.js';
import { StaticPipelineRegistry } from '../functions/core/pipeline-registry.js';
import { restartableStage, restartStage } from '../functions/core/restart.js';
import { buildTriggerDeps } from '../functions/triggers/deps.js';
import { ensureTables } from '../functions/core/tables.js';
import { resetClientCache } from '../functions/core/aws-clients.js';
import { executionLink, MemoryNotifier } from '../functions/core/notifications.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import { formatProblem } from '../state-machines/model/problems.js';
import { loadPipelineFile, pipelinesIn } from '../functions/core/pipeline-files.js';
import { ProgressReporter, renderTree } from './progress.js';
import { terminalJudge } from './prompt.js';
import { type JudgeMode, type LocalRun, LocalRuntime, type LocalRuntimeOptions } from './runtime.js';
import { localCloud } from './sandbox.js';
import { canaryStages } from '../functions/stages/canary/family.js';
import { externalStages } from '../functions/stages/external/index.js';
import {
  environmentUp,
  projectRoot,
  readConsole,
  registerRun,
  rememberedSource,
  rememberSource,
  saveRecord,
  unregisterRun,
  useEndpoint,
} from './environment.js';
import { resolveParameters } from '../state-machines/model/parameters.js';
import { sleep } from './clock.js';

export interface RunLocalOptions {
  readonly file: string;
  readonly timeScale: number;
  readonly autoJudge?: 'continue' | 'stop';
  readonly judgmentInput?: string;
  readonly parameters: Record<string, string>;
  readonly pipelinesDir?: string;
  readonly executionId?: string;
  /** Artifacts the manual trigger carries (as the API's `artifacts`). */
  readonly artifacts?: readonly Record<string, unknown>[];
  readonly input: NodeJS.ReadStream;
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  readonly families?: LocalRuntimeOptions['families'];
}

/** Every stage family a local run carries (flow is built in). */
export function localStageFamilies(cloud = localCloud()): NonNullable<LocalRuntimeOptions['families']> {
  return [...cloud.families, () => externalStages(), () => canaryStages()];
}

/**
 * The pipelines next to the one run (the folder, recursively), so `pipeline` stages can start them:
 * read on the first lookup only, so a run without child pipelines reads no folder (a file directly
 * in /tmp or a home folder does not make the run read everything under it).
 */
function siblingPipelines(dir: string, except: string): (application: string, pipeline: string) => Pipeline | undefined {
  let found: Pipeline[] | undefined;
  return (application, name) => {
    found ??= pipelinesIn(dir)
      .filter((f) => resolve(f.source) !== resolve(except))
      .map((f) => f.pipeline);
    return found.find((p) => p.application === application && (p.id === name || p.name === name));
  };
}

export async function runLocal(options: RunLocalOptions): Promise<number> {
  const { out, err } = options;
  const loaded = loadPipelineFile(options.file);
  for (const w of loaded.warnings) err.write(`${options.file}: warning: ${formatProblem(w)}\n`);
  if (!loaded.pipeline) {
    for (const e of loaded.errors) err.write(`${options.file}: ${formatProblem(e)}\n`);
    return 2;
  }
  const pipeline = loaded.pipeline;
  // Exactly the trigger path's check: required, options, defaults.
  const resolved = resolveParameters(pipeline.parameterConfig, options.parameters);
  if (resolved.errors.length > 0) {
    for (const e of resolved.errors) err.write(`${options.file}: ${formatProblem(e)}\n`);
    return 2;
  }

  const session = await localSession(options);
  await ensureTables();
  // The trigger path's binding: received artifacts, the prior run's, defaults; an unbound required one starts nothing.
  let trigger: Record<string, unknown>;
  try {
    const manual = { type: 'manual', ...(options.artifacts ? { artifacts: options.artifacts } : {}) };
    trigger = await bindTriggerArtifacts(pipeline, manual, priorArtifactsIn(session.runtime.store, pipeline));
  } catch (error) {
    if (!(error instanceof ArtifactResolutionError)) throw error;
    err.write(`${options.file}: ${error.message}\n`);
    return 2;
  }
  await session.printLines(await session.cloud.before(pipeline));
  out.write(`Running ${pipeline.application}/${pipeline.name} locally (time scale ${options.timeScale}x)\n`);
  const run = session.runtime.start(pipeline, {
    ...(options.executionId ? { executionId: options.executionId } : {}),
    parameters: options.parameters,
    trigger,
  });
  await rememberSource(run.executionId, resolve(options.file));
  return session.follow(run, pipeline);
}

/** What a local run needs around it: the environment, the runtime with every family, progress, judgments. */
interface LocalSession {
  readonly runtime: LocalRuntime;
  readonly cloud: ReturnType<typeof localCloud>;
  printLines(lines: readonly string[]): Promise<void>;
  /** Shows the run's progress until it ends (Ctrl-C cancels it); returns the exit code. */
  follow(run: LocalRun, pipeline: Pipeline): Promise<number>;
}

type SessionOptions = Pick<RunLocalOptions, 'file' | 'timeScale' | 'autoJudge' | 'judgmentInput' | 'pipelinesDir' | 'input' | 'out' | 'err' | 'families'>;

async function localSession(options: SessionOptions): Promise<LocalSession> {
  const { out, err } = options;
  if (process.env.AWS_ENDPOINT_URL) {
    useEndpoint(process.env.AWS_ENDPOINT_URL);
  } else {
    const env = await environmentUp({ onProgress: (line) => out.write(`${line}\n`) });
    useEndpoint(env.endpoint);
    if (env.started) {
      out.write(
        `Started the local environment (AWS emulator at ${env.endpoint}); it stays up for executions, judge, cancel and clusters: '${GENNAKER} local down' stops it\n`,
      );
    }
  }
  resetClientCache();
  // A console open on this environment shows the run: links (printed, and in notifications) go there.
  const openConsole = await readConsole();
  if (openConsole && openConsole.endpoint === process.env.AWS_ENDPOINT_URL) process.env.GENNAKER_CONSOLE_URL ??= openConsole.url;

  let judge: JudgeMode;
  if (options.autoJudge) {
    judge = { kind: 'auto', judgment: options.autoJudge, ...(options.judgmentInput ? { input: options.judgmentInput } : {}) };
  } else if (options.input.isTTY) {
    judge = { kind: 'prompt', ask: terminalJudge(options.input, out) };
  } else {
    // Said where it matters, at the judgment (a run without one has nothing to say about it).
    judge = { kind: 'auto', judgment: 'continue' };
  }
  const why = options.autoJudge ? '' : ' (no terminal attached: --auto-judge continue|stop chooses)';

  // Cloud stages: the family, the local sandbox, and the clusters printed before and after the run.
  const cloud = localCloud();
  const printLines = (lines: readonly string[]) => lines.forEach((line) => out.write(`${line}\n`));

  const reporter = new ProgressReporter(out, Boolean(out.isTTY), options.timeScale);
  const notifier = new MemoryNotifier((event) => {
    if (event.event === 'manualJudgment' && judge.kind === 'auto') {
      out.write(`  … ${event.summary}: answering '${judge.judgment}' automatically${why}\n`);
    }
  });
  const runtime = new LocalRuntime({
    timeScale: options.timeScale,
    judge:
      judge.kind === 'prompt'
        ? {
            kind: 'prompt',
            ask: async (question, signal) => {
              reporter.paused = true;
              try {
                return await judge.ask(question, signal);
              } finally {
                reporter.paused = false;
                reporter.release();
              }
            },
          }
        : judge,
    notifier,
    findPipeline: siblingPipelines(options.pipelinesDir ?? dirname(options.file), options.file),
    families: options.families ?? localStageFamilies(cloud),
    preconditions: cloud.preconditions,
  });

  return {
    runtime,
    cloud,
    printLines: async (lines) => printLines(lines),
    follow: (run, pipeline) => followRun(run, pipeline, { runtime, cloud, reporter, printLines, out, err, timeScale: options.timeScale }),
  };
}

async function followRun(
  run: LocalRun,
  pipeline: Pipeline,
  session: {
    runtime: LocalRuntime;
    cloud: ReturnType<typeof localCloud>;
    reporter: ProgressReporter;
    printLines: (lines: readonly string[]) => void;
    out: NodeJS.WriteStream;
    err: NodeJS.WriteStream;
    timeScale: number;
  },
): Promise<number> {
  const { runtime, cloud, reporter, printLines, out, err } = session;
  try {
    await registerRun({
      executionId: run.executionId,
      pid: process.pid,
      application: pipeline.application,
      pipelineName: pipeline.name,
      startedAt: Date.now(),
    });
    out.write(`Execution ${run.executionId}\n`);
    if (process.env.GENNAKER_CONSOLE_URL) out.write(`Console: ${executionLink(run.executionId)}\n`);
    let interrupts = 0;
    let ctrlC = false;
    const onInterrupt = (signal: NodeJS.Signals) => {
      interrupts++;
      if (interrupts > 1 && signal === 'SIGINT') {
        err.write(`Quit without waiting: execution ${run.executionId} may still show RUNNING ('${GENNAKER} cancel ${run.executionId}' ends it)\n`);
        process.exit(130);
      }
      if (interrupts > 1) return;
      reporter.release();
      err.write(
        signal === 'SIGINT'
          ? `\nCanceling execution ${run.executionId} (Ctrl-C again to quit without waiting)...\n`
          : `\nCanceling execution ${run.executionId} (asked from another shell)...\n`,
      );
      if (signal === 'SIGINT') ctrlC = true;
      void run.cancel().catch((error: Error) => err.write(`cancel failed: ${error.message}\n`));
    };
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);
    let finished = false;
    const watching = (async () => {
      while (!finished) {
        try {
          reporter.update(await runtime.store.load(run.executionId), runtime.clock.now());
        } catch {
          // the record is not there yet
        }
        await sleep(250);
      }
    })();
    const result = await run.result;
    finished = true;
    await watching;
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    reporter.update(result.execution, runtime.clock.now());
    if (!out.isTTY) for (const line of renderTree(result.execution, runtime.clock.now(), { timeScale: session.timeScale })) out.write(`${line}\n`);
    printLines(await cloud.after(pipeline, result.execution));
    const { callbackToken: _t, ...safe } = result.execution as unknown as Record<string, unknown>;
    const path = await saveRecord(run.executionId, { ...safe, stages: result.execution.stages.map(({ callbackToken: _c, ...s }) => s) });
    out.write(`Execution record: ${path}\n`);
    const failed = result.execution.stages.find((s) => s.status === 'TERMINAL');
    out.write(
      `Pipeline ${result.status}${failed ? `: stage '${failed.name}' failed${failed.error ? ` (${failed.error})` : ''}` : result.execution.error ? `: ${result.execution.error}` : ''}\n`,
    );
    return result.status === 'SUCCEEDED' ? 0 : result.status === 'CANCELED' && ctrlC ? 130 : 1;
  } finally {
    await unregisterRun(run.executionId);
  }
}

export interface RestartLocalOptions extends Omit<SessionOptions, 'file'> {
  readonly executionId: string;
  /** Stage refId or name. */
  readonly stage: string;
  /** The pipeline file (default: the one the run was started from, else the project's pipelines/). */
  readonly file?: string;
  readonly user: string;
}

/**
 * `gennaker restart` locally: the stage and the stages after it set back (restart.ts), and the same
 * execution run on in this process with live progress, as `run --local` shows it. Refusals (a
 * running execution, a stage that did not fail) are thrown before anything changes.
 */
export async function restartLocal(options: RestartLocalOptions): Promise<number> {
  const store = new ExecutionStore();
  const record = await store.getExecution(options.executionId);
  if (!record) throw new ExecutionNotFoundError(`no execution '${options.executionId}'`);
  // Refused (still running, a stage that did not fail) before the environment prints or makes
  // anything; an interrupted restart (pending) is finished by restartStage instead.
  const view = await store.load(record.id);
  if (!view.restart?.pending) restartableStage(view, options.stage);
  const file = options.file ?? (await rememberedSource(record.id)) ?? pipelineFileOf(options.pipelinesDir ?? join(projectRoot(), 'pipelines'), record);
  const loaded = loadPipelineFile(file);
  if (!loaded.pipeline) throw new InvalidInputError(`${file}: ${loaded.errors.map(formatProblem).join('; ')}`);
  const pipeline = loaded.pipeline;
  if (pipeline.application !== record.application || pipeline.id !== record.pipelineId) {
    throw new InvalidInputError(
      `${file} is ${pipeline.application}/${pipeline.id}, not the pipeline of ${record.id} (${record.application}/${record.pipelineId})`,
    );
  }
  const session = await localSession({ ...options, file });
  await session.printLines(await session.cloud.before(pipeline));
  let started: LocalRun | undefined;
  const launcher: PipelineLauncher = {
    start: async (request) => {
      started = session.runtime.start(pipeline, { executionId: request.executionId, trigger: request.trigger, parameters: request.parameters });
      return { executionId: request.executionId };
    },
    status: async (id) => (await session.runtime.store.getExecution(id))?.status,
  };
  const deps = buildTriggerDeps({ registry: new StaticPipelineRegistry([pipeline]), launcher });
  const result = await restartStage(
    { executionId: record.id, stage: options.stage, user: options.user, key: `local-${process.pid}-${Date.now()}` },
    { store: deps.store, clock: deps.clock, launcher, queue: deps.queue, policy: concurrencyPolicyOf(pipeline) },
  );
  options.out.write(`Restarting ${result.stages.map((r) => `'${pipeline.stages.find((s) => s.refId === r)?.name ?? r}'`).join(', ')} of ${record.id}\n`);
  return session.follow(started!, pipeline);
}

function pipelineFileOf(dir: string, record: { application: string; pipelineId: string; id: string }): string {
  const found = pipelinesIn(dir).find((f) => f.pipeline.application === record.application && f.pipeline.id === record.pipelineId);
  if (!found)
    throw new InvalidInputError(`the pipeline of ${record.id} (${record.application}/${record.pipelineId}) is not in ${dir}: give its file with --file`);
  return found.source;
}
