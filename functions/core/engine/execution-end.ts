/**
 * The end of an execution, in one place, whoever ends it: the state machine's own complete step
 * (engine), the lifecycle handler (status change: also aborts and timeouts), a cancel (API, CLI,
 * console, local runs) and a local run that stopped. The steps, in order:
 *   1. finalise the record once: running stages become CANCELED, their work stopped here (the
 *      stage's own cancel) or requested from their family's function; the final status is written
 *   2. notify (pipeline.complete / pipeline.failed), by whoever finalised
 *   3. release every lock the execution holds (cluster locks, concurrency slots)
 *   4. start the pipeline's next waiting run and emit the pipeline-completed event, where the
 *      queue and event bus are reachable (`successors`; the engine Lambda leaves them to the
 *      lifecycle handler, which always follows)
 * Steps 3 and 4 run for every caller, even when another finalised first: each is idempotent, and
 * the locks must never outlive the execution. The completed event goes out once per end, whoever
 * gets there (a mark on the record: completed-event-once.ts).
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { EngineResult } from '../../../state-machines/contract/engine.js';
import { type ExecutionStatus, type ExecutionView, FINAL_EXECUTION_STATUSES, type StageRecord } from '../execution-model.js';
import { retryOnConflict } from '../execution-store.js';
import { releaseLocksHeldBy } from '../locks-table.js';
import type { EngineDeps, ExecutionEndDeps } from './deps.js';

export type { ExecutionEndDeps, ExecutionSuccessors } from './deps.js';
import { emitCompletedOnce } from './completed-event-once.js';
import { cancelRunningStage, requestCleanups } from './stage-cleanup.js';
import { writeStage } from './stage-writes.js';

/** How an execution ends: as its stages decided (with what the state machine caught), or forced. */
export type Ending = ({ readonly caught?: unknown } | { readonly forced: ExecutionStatus; readonly reason?: string }) & {
  /**
   * The run that ends, for a caller that is one run (a local run ending): the restart attempt it
   * runs (0 for the first). A record a restart has since given to a newer run is not this run's to end.
   */
  readonly ofAttempt?: number;
};

export interface EndResult extends EngineResult {
  readonly status: ExecutionStatus;
  /** True when this call wrote the final record (and notified). */
  readonly finalised: boolean;
  readonly released: readonly string[];
  readonly started: readonly string[];
  /** True when this call emitted the completed event (once per end, whoever calls: completed-event-once.ts). */
  readonly completedEmitted: boolean;
}

export async function endExecution(executionId: string, ending: Ending, deps: ExecutionEndDeps): Promise<EndResult> {
  const { finished, finalised, superseded } = await finaliseRecord(executionId, ending, deps);
  // A superseded run ends nothing: the locks and the queue belong to the newer run (as the lifecycle handler skips superseded runs).
  if (superseded) return { status: finished.status, finalised: false, released: [], started: [], completedEmitted: false };
  const released = await (deps.releaseLocks ?? releaseHeldLocks)(executionId);
  const { successors } = deps;
  const started = successors ? await successors.startNext(finished) : [];
  const completedEmitted = successors ? await emitCompletedOnce(finished, (execution) => successors.emitCompleted(execution), deps) : false;
  return {
    status: finished.status,
    ...(finished.error ? { error: finished.error } : {}),
    finalised,
    released,
    started,
    completedEmitted,
  };
}

/** The default release: the shared client's locks table; where there is none (a local run that never locked), nothing is held. */
async function releaseHeldLocks(executionId: string): Promise<readonly string[]> {
  try {
    return await releaseLocksHeldBy(executionId);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
}

/** Orca's final status: TERMINAL if a stage failed the pipeline, CANCELED if it or a stage was canceled, else SUCCEEDED. */
function finalStatus(execution: ExecutionView, caught: unknown): { status: ExecutionStatus; error?: string } {
  const failed = execution.stages.find(
    (s) => s.status === 'TERMINAL' || (s.status === 'STOPPED' && skeletonPolicy(execution, s.refId) === 'haltBranchThenFail'),
  );
  if (failed) return { status: 'TERMINAL', error: `stage '${failed.name}' ${failed.status}${failed.error ? `: ${failed.error}` : ''}` };
  if (execution.status === 'CANCELED') return { status: 'CANCELED' };
  // A stage whose own work was canceled (a webhook's canceled status, an aborted build) cancels the run.
  const canceled = execution.stages.find((s) => s.status === 'CANCELED');
  if (canceled) return { status: 'CANCELED', error: `stage '${canceled.name}' CANCELED${canceled.error ? `: ${canceled.error}` : ''}` };
  if (caught && typeof caught === 'object') {
    const c = caught as { Error?: string; Cause?: string };
    return { status: 'TERMINAL', error: `internal failure: ${c.Error ?? 'error'} ${c.Cause ?? ''}`.trim() };
  }
  return { status: 'SUCCEEDED' };
}

function skeletonPolicy(execution: ExecutionView, refId: string) {
  return execution.skeleton.find((s) => s.refId === refId)?.failurePolicy;
}

/** The engine deps stage cleanup needs, from the end's (nothing loaded: cleanups go to their functions). */
function cleanupDeps(deps: ExecutionEndDeps): EngineDeps {
  return {
    random: Math.random,
    awaitPollSeconds: 5,
    ...deps,
    implementations: deps.implementations ?? new Map(),
  };
}

/** Step 1 and 2, once: a record already final is left as it is. */
async function finaliseRecord(
  executionId: string,
  ending: Ending,
  deps: ExecutionEndDeps,
): Promise<{ finished: ExecutionView; finalised: boolean; superseded?: boolean }> {
  const engine = cleanupDeps(deps);
  // A stage's work is stopped once per ending: a write that lost to the stage's own save retries with the same change.
  const canceled = new Map<string, Partial<StageRecord>>();
  return retryOnConflict(async () => {
    const loaded = await deps.store.load(executionId);
    if (ending.ofAttempt !== undefined && (loaded.restart?.attempt ?? 0) !== ending.ofAttempt) return { finished: loaded, finalised: false, superseded: true };
    if (FINAL_EXECUTION_STATUSES.has(loaded.status)) return { finished: loaded, finalised: false };
    const now = deps.clock.now();
    // The written stage records are the new state: no need to read the execution back.
    const stages: StageRecord[] = [];
    for (const stage of loaded.stages) {
      if (stage.status === 'RUNNING' || stage.status === 'PAUSED') {
        const change = canceled.get(stage.refId) ?? (await cancelRunningStage(loaded, stage, engine, now));
        canceled.set(stage.refId, change);
        stages.push(await writeStage(engine, loaded, stage, change));
      } else stages.push(stage);
    }
    const execution: ExecutionView = { ...loaded, stages };
    const decided = 'forced' in ending ? { status: ending.forced, error: ending.reason } : finalStatus(execution, ending.caught);
    const { stages: _stages, skeleton: _skeleton, version: _version, ...record } = execution;
    const written = await deps.store.putExecution(
      { ...record, status: decided.status, endTime: now, ...(decided.error ? { error: decided.error } : {}) },
      execution,
    );
    const finished: ExecutionView = { ...written, skeleton: execution.skeleton, stages };
    await requestCleanups(finished, engine);
    await deps.notifier.publish({
      event: decided.status === 'SUCCEEDED' ? 'pipeline.complete' : 'pipeline.failed',
      application: finished.application,
      pipeline: finished.pipelineName,
      executionId,
      summary: `Pipeline ${finished.application}/${finished.pipelineName} ${decided.status}${decided.error ? `: ${decided.error}` : ''}`,
    });
    return { finished, finalised: true };
  });
}
