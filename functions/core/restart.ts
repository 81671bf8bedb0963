/**
 * Restarting a stage of a finished execution, as Orca's RestartStageHandler does: the stage and
 * every stage after it go back to NOT_STARTED, stages that ended before keep their status and
 * outputs, and the same execution record runs on from there.
 *
 * The run on is a new state machine run of the same state machine (`<id>-restart-<n>`), not a
 * Step Functions redrive: a redrive re-runs only the state that failed (here the pipeline's
 * completion step) and cannot choose a stage, and neither moto nor aws-local-stepfunctions
 * implement it. The new run walks the whole graph; every stage call of a stage that already ended
 * returns its recorded status without acting (engine/run-stage.ts), so nothing that succeeded is
 * done twice.
 *
 * Steps, each safe to repeat: (1) the header, conditionally: RUNNING again, `restart.pending`, the
 * new run's ARN (so a late status change of the old run is ignored, and cancel stops the new one);
 * (2) the stages reset, with `restartDetails.attempt` (keys of what a stage makes include it, so a
 * restarted deploy makes a new server group rather than finding the failed one); (3) the run
 * started (idempotent by name); (4) `pending` cleared. A request repeated with the same key (or
 * without one, while the restart of that stage is unfinished) finishes what an interrupted one
 * began; otherwise a running execution is refused.
 */
import { ExecutionNotFoundError } from './errors.js';
import { type ConcurrencyPolicy, type ExecutionQueue, ExecutionStateError } from './concurrency.js';
import {
  type ExecutionRecord,
  type ExecutionView,
  FINAL_EXECUTION_STATUSES,
  type RestartDetails,
  type StageRecord,
  type StageSkeleton,
} from './execution-model.js';
import type { ExecutionStore } from './execution-store.js';
import { executionNameFor, type PipelineLauncher } from './pipeline-launcher.js';
import { HALTING_STATUSES } from './readiness.js';
import type { Clock, StageStatus } from './stage-api.js';

/** A stage that failed or was canceled: what Deck offers to restart. */
export const RESTARTABLE_STATUSES: ReadonlySet<StageStatus> = new Set(['TERMINAL', 'STOPPED', 'CANCELED', 'FAILED_CONTINUE']);

class StageNotFoundError extends ExecutionNotFoundError {}

export interface RestartDeps {
  readonly store: ExecutionStore;
  readonly clock: Clock;
  readonly launcher: PipelineLauncher;
  readonly queue: ExecutionQueue;
  /** The pipeline's concurrency policy now (absent: not limited). */
  readonly policy?: ConcurrencyPolicy;
}

export interface RestartRequest {
  readonly executionId: string;
  /** Stage refId or name. */
  readonly stage: string;
  readonly user: string;
  /** The caller's idempotency key: a request repeated with it is the same restart. */
  readonly key?: string;
}

export interface RestartResult {
  readonly execution: ExecutionRecord;
  /** The stages set back to NOT_STARTED (refIds, pipeline order). */
  readonly stages: readonly string[];
  /** false when this was a repeat of a restart already made. */
  readonly changed: boolean;
}

/** The stage and every stage downstream of it, in skeleton order. */
function stagesFrom(skeleton: readonly StageSkeleton[], refId: string): string[] {
  const chosen = new Set([refId]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of skeleton) {
      if (!chosen.has(s.refId) && s.requisiteStageRefIds.some((r) => chosen.has(r))) {
        chosen.add(s.refId);
        grew = true;
      }
    }
  }
  return skeleton.filter((s) => chosen.has(s.refId)).map((s) => s.refId);
}

/** The name of the n-th restart's state machine run (≤ 80 characters, deterministic). */
function restartRunName(executionId: string, attempt: number): string {
  return executionNameFor(`${executionId}-restart-${attempt}`);
}

export async function restartStage(request: RestartRequest, deps: RestartDeps): Promise<RestartResult> {
  const view = await deps.store.load(request.executionId);
  const last = view.restart;
  // The same request again (same key; or, without one, the same stage while the last restart is
  // unfinished): finish it if it was interrupted, else change nothing.
  const same = request.key !== undefined ? last?.key === request.key : last?.pending === true && findStage(view, request.stage)?.refId === last.stage;
  if (last && same) {
    return last.pending ? { ...(await carryOut(view, last, deps)), changed: false } : { execution: view, stages: last.stages, changed: false };
  }
  const stage = restartableStage(view, request.stage);
  if (deps.policy && !(await deps.queue.takeSlot(view.application, view.pipelineId, view.id, deps.policy))) {
    throw new ExecutionStateError(
      `${view.application}/${view.pipelineName} allows ${deps.policy.maxRunning} run(s) at a time and that many are running: restart ${view.id} when one ends`,
    );
  }
  const attempt = (last?.attempt ?? 0) + 1;
  const stages = stagesFrom(view.skeleton, stage.refId);
  const restart: RestartDetails = {
    attempt,
    stage: stage.refId,
    restartedBy: request.user,
    restartTime: deps.clock.now(),
    ...(request.key !== undefined ? { key: request.key } : {}),
    stages,
    pending: true,
  };
  const runArn = deps.launcher.runArn?.({
    application: view.application,
    pipeline: view.pipelineId,
    executionId: view.id,
    runName: restartRunName(view.id, attempt),
  });
  const {
    version: _v,
    stages: _s,
    skeleton: _k,
    endTime: _e,
    error: _r,
    canceledBy: _c,
    cancellationReason: _cr,
    completedEvent: _ce,
    ...header
  } = view as ExecutionView & { cancellationReason?: string };
  // Halts of stages that stay as they were still count (readiness.ts looks further when there are any).
  const halts = view.stages.filter((s) => !stages.includes(s.refId) && HALTING_STATUSES.has(s.status)).length;
  // Conditional on the version read: two restarts at once, one wins and the other is told (409).
  const written = await deps.store.putExecution(
    { ...header, status: 'RUNNING', halts, restart, ...(runArn !== undefined ? { stateMachineExecutionArn: runArn } : {}) },
    view,
  );
  return { ...(await carryOut({ ...view, ...written }, restart, deps)), changed: true };
}

/**
 * The stage a new restart of `view` would restart, or why none can be: the execution must have
 * finished and the stage failed or been canceled. Callers that must set things up before a restart
 * (a local run's environment) ask first, so a refusal comes before anything is printed or made.
 */
export function restartableStage(view: ExecutionView, name: string): StageRecord {
  if (!FINAL_EXECUTION_STATUSES.has(view.status)) {
    throw new ExecutionStateError(
      `execution ${view.id} is ${view.status}: only a stage of a finished execution can be restarted (wait for it to end, or cancel it first)`,
    );
  }
  const stage = findStage(view, name);
  if (!stage) {
    throw new StageNotFoundError(`execution ${view.id} has no stage '${name}' (stages: ${view.stages.map((s) => `${s.refId} '${s.name}'`).join(', ')})`);
  }
  if (!RESTARTABLE_STATUSES.has(stage.status)) {
    throw new ExecutionStateError(
      `stage '${stage.name}' of ${view.id} is ${stage.status}: only a failed or canceled stage (${[...RESTARTABLE_STATUSES].join(', ')}) can be restarted`,
    );
  }
  return stage;
}

/** By refId, else by name (as the judge command finds stages). */
function findStage(view: ExecutionView, stage: string): StageRecord | undefined {
  return view.stages.find((s) => s.refId === stage) ?? view.stages.find((s) => s.name === stage);
}

/** Steps 2-4: reset the stages, start the run, clear `pending`. Each may be repeated. */
async function carryOut(view: ExecutionView, restart: RestartDetails, deps: RestartDeps): Promise<Omit<RestartResult, 'changed'>> {
  for (const refId of restart.stages) {
    const current = view.stages.find((s) => s.refId === refId);
    if (!current || current.version === 0 || current.restartDetails?.attempt === restart.attempt) continue;
    await deps.store.putStage(view.id, resetStage(current, restart), current);
  }
  await deps.launcher.start({
    application: view.application,
    pipeline: view.pipelineId,
    executionId: view.id,
    trigger: view.trigger,
    parameters: view.parameters,
    runName: restartRunName(view.id, restart.attempt),
    attempt: restart.attempt,
  });
  const execution = await deps.store.update(view.id, (current) => {
    if (current.restart?.attempt !== restart.attempt || !current.restart.pending) return undefined;
    const { version: _v, ...rest } = current;
    return { ...rest, restart: { ...current.restart, pending: false } };
  });
  return { execution, stages: restart.stages };
}

function resetStage(stage: StageRecord, restart: RestartDetails): Omit<StageRecord, 'version'> {
  return {
    refId: stage.refId,
    name: stage.name,
    type: stage.type,
    requisiteStageRefIds: stage.requisiteStageRefIds,
    status: 'NOT_STARTED',
    context: {},
    outputs: {},
    restartDetails: {
      attempt: restart.attempt,
      restartedBy: restart.restartedBy,
      restartTime: restart.restartTime,
      previousStatus: stage.status,
      ...(stage.error !== undefined ? { previousError: stage.error } : {}),
    },
  };
}
