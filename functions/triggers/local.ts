/**
 * Triggers and the lifecycle without AWS's event plumbing: pipelines run in-process (the local
 * runtime), and what EventBridge would deliver (status changes, completed events) is delivered by
 * direct calls. Used by local mode and by end-to-end tests; the trigger path itself (dedupe,
 * concurrency, records) is the same code that runs in AWS, against the emulator.
 */
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import type { ExecutionStopper } from '../core/cancel.js';
import type { ExecutionStatus, LaunchRequest } from '../core/execution-model.js';
import type { ExecutionStore } from '../core/execution-store.js';
import type { PipelineLauncher } from '../core/pipeline-launcher.js';
import type { Clock } from '../core/stage-api.js';
import { pipelineRegistryFromEnv } from '../core/pipeline-files.js';
import type { PipelineRegistry } from '../core/pipeline-registry.js';
import { buildTriggerDeps, type TriggerDeps, type TriggerDepsParts } from './deps.js';
import { PipelineNotFoundError } from './errors.js';
import { inProcessPublisher } from './lifecycle/completed-event.js';
import { endExecution } from '../core/engine/execution-end.js';
import { type LifecycleDeps, lifecycleSuccessors } from './lifecycle/lifecycle.js';
import { handlePipelineCompleted } from './pipeline/handler.js';

/** What this adapter needs of local/runtime.ts's LocalRuntime (functions/ does not import local/). */
export interface InProcessRunner {
  /** The runner's clock (local mode may run time faster); records written by triggers use it too. */
  readonly clock?: Clock;
  start(
    pipeline: Pipeline,
    request: { executionId?: string; trigger?: Record<string, unknown>; parameters?: Record<string, unknown>; attempt?: number },
  ): { readonly executionId: string; readonly result: Promise<{ readonly status: ExecutionStatus }>; cancel(user?: string): Promise<void> };
}

/** Starts pipelines in the runner; when one ends, calls `onFinished` as the lifecycle handler would be. */
export class InProcessLauncher implements PipelineLauncher {
  /** attempt: the restart the run ran (0 for the first); a superseded run's end changes nothing. */
  onFinished: (executionId: string, attempt: number) => Promise<void> = async () => undefined;
  /** The newest run of each execution: what cancel stops. */
  private readonly runs = new Map<string, { cancel(user?: string): Promise<void> }>();
  private readonly started = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  readonly errors: unknown[] = [];

  constructor(
    private readonly runner: InProcessRunner,
    private readonly registry: PipelineRegistry,
    private readonly store: ExecutionStore,
  ) {}

  async start(request: LaunchRequest): Promise<{ executionId: string }> {
    // Keyed by run: a restart (restart.ts) is a new run of the same execution.
    const runName = request.runName ?? request.executionId;
    if (this.started.has(runName)) return { executionId: request.executionId };
    const entry = await this.registry.get(request.application, request.pipeline);
    if (!entry) throw new PipelineNotFoundError(`no pipeline ${request.application}/${request.pipeline}`);
    const attempt = request.attempt ?? 0;
    const run = this.runner.start(entry.pipeline, { executionId: request.executionId, trigger: request.trigger, parameters: request.parameters, attempt });
    this.started.add(runName);
    this.runs.set(request.executionId, run);
    this.track(run.result.then(() => this.onFinished(request.executionId, attempt)));
    return { executionId: request.executionId };
  }

  /** The executions it started runs of, in order (a restart's run counts under its execution). */
  startedExecutions(): string[] {
    return [...this.runs.keys()];
  }

  async status(executionId: string): Promise<ExecutionStatus | undefined> {
    return (await this.store.getExecution(executionId))?.status;
  }

  /** Aborts an in-process run (what StopExecution does in AWS). */
  readonly stopper: ExecutionStopper = {
    stop: async (execution, cause) => {
      // The local run records "canceled by <user>" itself when it gets there first.
      await this.runs.get(execution.id)?.cancel(execution.canceledBy ?? cause);
    },
  };

  /** Resolves when every run started so far, and what followed its end, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => void this.errors.push(error)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

export interface InProcessStack {
  readonly triggers: TriggerDeps;
  readonly lifecycle: LifecycleDeps;
  readonly launcher: InProcessLauncher;
}

/** Trigger and lifecycle deps wired together around an in-process runner. */
export function inProcessStack(runner: InProcessRunner, parts: Omit<TriggerDepsParts, 'launcher'> = {}): InProcessStack {
  const registry = parts.registry ?? pipelineRegistryFromEnv(parts.env);
  let launcher: InProcessLauncher | undefined;
  const triggers = buildTriggerDeps({
    ...parts,
    ...((parts.clock ?? runner.clock) ? { clock: (parts.clock ?? runner.clock)! } : {}),
    registry,
    launcher: (store) => (launcher = new InProcessLauncher(runner, registry, store)),
  });
  const lifecycle: LifecycleDeps = {
    store: triggers.store,
    clock: triggers.clock,
    notifier: triggers.notifier,
    registry: triggers.registry,
    queue: triggers.queue,
    events: inProcessPublisher((event) => handlePipelineCompleted(event, triggers)),
    log: triggers.log,
  };
  const l = launcher!;
  // What the lifecycle handler does on the run's status change: its end (the run finalised the record).
  l.onFinished = async (executionId, attempt) =>
    void (await endExecution(executionId, { ofAttempt: attempt }, { ...lifecycle, successors: lifecycleSuccessors(lifecycle) }));
  return { triggers, lifecycle, launcher: l };
}
