/**
 * Stopping what a stage started when its execution ends early (canceled, aborted, timed out): a
 * build, an ECS task, canary server groups, a half-done rolling deploy. Only the function of the
 * stage's family carries its implementation; the functions that finalise ended executions in AWS
 * (the API's cancel, the lifecycle handler) ask that function to do it, asynchronously, with the
 * `cancelStage` operation. The stage's record says what was asked and, once done, what was done.
 */
import { stageTypeInfo } from '../../../state-machines/stage-types/index.js';
import type { ExecutionView, StageRecord } from '../execution-model.js';
import { type StageImplementation, type StageRunContext, stageFields } from '../stage-api.js';
import { SecretScope } from '../secrets/scope.js';
import { type EngineDeps, implementationOf } from './deps.js';
import { evaluationContext, stageViews } from './evaluation.js';
import type { CancelStagePayload, EngineResult } from '../../../state-machines/contract/engine.js';
import { retryOnConflict } from '../execution-store.js';
import { writeStage } from './stage-writes.js';

/** Stage context key: 'requested' while another function's cleanup is pending, then 'done' or 'failed'. */
export const CLEANUP_KEY = 'cleanup';
const CLEANUP = stageFields<{ readonly [CLEANUP_KEY]: 'requested' | 'done' | 'failed' }>();

/** Families whose stages start things outside the record that must be stopped. */
export const CLEANED_UP_FAMILIES: ReadonlySet<string> = new Set(['cloud', 'external', 'canary']);

/** Runs the stage's own cancel() here: what it did (a line for the record, if any), or why it failed. */
async function cancelHere(
  implementation: Required<Pick<StageImplementation, 'cancel'>> & Pick<StageImplementation, 'secrets'>,
  execution: ExecutionView,
  stage: StageRecord,
  deps: EngineDeps,
): Promise<{ detail?: string; failed: boolean }> {
  const secrets = new SecretScope(implementation.secrets, undefined, { application: execution.application });
  const ctx: StageRunContext = {
    executionId: execution.id,
    application: execution.application,
    pipelineName: execution.pipelineName,
    stage: { refId: stage.refId, name: stage.name, type: stage.type, config: {} },
    state: stage.context,
    startTime: deps.stageTime ? deps.stageTime.fromWall(stage.startTime ?? deps.clock.now()) : (stage.startTime ?? deps.clock.now()),
    clock: deps.stageTime ?? deps.clock,
    evaluation: evaluationContext(execution, stage.refId),
    stages: stageViews(execution),
    checkpoint: async () => undefined,
    secrets,
  };
  return implementation.cancel(ctx).then(
    (detail) => ({ ...(detail ? { detail: secrets.scrub(detail) } : {}), failed: false }),
    (error: Error) => ({ detail: secrets.scrub(`cancel failed: ${error.message}`), failed: true }),
  );
}

/** The change that ends a running stage of an ending execution: canceled, its work stopped here or requested elsewhere. */
export async function cancelRunningStage(execution: ExecutionView, stage: StageRecord, deps: EngineDeps, now: number): Promise<Partial<StageRecord>> {
  const ended = { status: 'CANCELED' as const, endTime: now };
  const implementation = await implementationOf(deps, stage.type);
  if (implementation?.cancel) {
    const { detail } = await cancelHere(
      { cancel: implementation.cancel.bind(implementation), ...(implementation.secrets ? { secrets: implementation.secrets } : {}) },
      execution,
      stage,
      deps,
    );
    return { ...ended, ...(detail ? { error: `canceled: ${detail}` } : {}) };
  }
  const family = stageTypeInfo(stage.type)?.family;
  if (deps.cancelElsewhere && family && CLEANED_UP_FAMILIES.has(family)) {
    return {
      ...ended,
      error: `canceled: cleanup requested from the ${family} function`,
      context: { ...stage.context, ...CLEANUP.save({ [CLEANUP_KEY]: 'requested' }) },
    };
  }
  return ended;
}

/**
 * Asks the stages' functions for the cleanups `cancelRunningStage` recorded as requested, once the
 * execution's final record is written (so the cleanup always finds an ended execution). A request
 * that cannot be sent is written on the stage.
 */
export async function requestCleanups(execution: ExecutionView, deps: EngineDeps): Promise<void> {
  if (!deps.cancelElsewhere) return;
  for (const stage of execution.stages) {
    if (CLEANUP.of(stage.context)[CLEANUP_KEY] !== 'requested') continue;
    try {
      await deps.cancelElsewhere({ executionId: execution.id, refId: stage.refId, type: stage.type });
    } catch (error) {
      await writeStage(deps, execution, stage, {
        error: `canceled: cleanup could not be requested: ${(error as Error).message}`,
        context: { ...stage.context, ...CLEANUP.save({ [CLEANUP_KEY]: 'failed' }) },
      });
    }
  }
}

/**
 * The `cancelStage` operation, run by the stage's own family function: stops what the stage
 * started and records what it did. Idempotent: only a requested cleanup runs, once recorded done
 * a repeated delivery does nothing (and cleanups themselves converge when run twice).
 */
export async function cancelStageOperation(payload: CancelStagePayload, deps: EngineDeps): Promise<EngineResult> {
  // The record may move meanwhile (another write to the stage): read it again; the cleanup itself converges.
  return retryOnConflict(async () => {
    const execution = await deps.store.load(payload.executionId);
    const stage = execution.stages.find((s) => s.refId === payload.refId);
    if (!stage || CLEANUP.of(stage.context)[CLEANUP_KEY] !== 'requested') return { status: 'SKIPPED' as const };
    const implementation = await implementationOf(deps, stage.type);
    const outcome = implementation?.cancel
      ? await cancelHere(
          { cancel: implementation.cancel.bind(implementation), ...(implementation.secrets ? { secrets: implementation.secrets } : {}) },
          execution,
          stage,
          deps,
        )
      : { detail: `cancel failed: no ${stage.type} implementation in this function`, failed: true };
    await writeStage(deps, execution, stage, {
      error: `canceled: ${outcome.detail ?? 'nothing to stop'}`,
      context: { ...stage.context, ...CLEANUP.save({ [CLEANUP_KEY]: outcome.failed ? 'failed' : 'done' }) },
    });
    return { status: 'SUCCEEDED' as const };
  });
}
