/** The pipeline-level steps: start (create the record) and complete. */
import { resolveParameters } from '../../../state-machines/model/parameters.js';
import type { CompletePayload, EngineResult, StartPayload } from '../../../state-machines/contract/engine.js';
import { type ExecutionStatus, type ExecutionView, FINAL_EXECUTION_STATUSES, newExecutionRecord, type StageRecord } from '../execution-model.js';
import { retryOnConflict } from '../execution-store.js';
import type { EngineDeps } from './deps.js';
import { cancelRunningStage, requestCleanups } from './stage-cleanup.js';
import { writeStage } from './stage-writes.js';

export async function startExecution(payload: StartPayload, deps: EngineDeps): Promise<EngineResult> {
  const { pipeline, input } = payload;
  const trigger: Record<string, unknown> = { type: 'manual', ...input.trigger };
  const given = { ...(trigger.parameters as Record<string, unknown> | undefined), ...input.parameters };
  // Triggers check parameters before starting; here defaults are applied and problems recorded.
  const resolved = resolveParameters(pipeline.parameterConfig, given);
  const created = await deps.store.create(
    newExecutionRecord(pipeline, {
      id: payload.executionId,
      status: 'RUNNING',
      trigger,
      parameters: resolved.parameters,
      startTime: deps.clock.now(),
      stateMachineExecutionArn: input.stateMachineExecutionArn,
    }),
  );
  if (created) {
    await deps.notifier.publish({
      event: 'pipeline.starting',
      application: pipeline.application,
      pipeline: pipeline.name,
      executionId: payload.executionId,
      summary: `Pipeline ${pipeline.application}/${pipeline.name} is starting (${String(trigger.type)} trigger)`,
    });
  }
  return { executionId: payload.executionId, caught: false, status: 'RUNNING' };
}

/** Orca's final status: TERMINAL if a stage failed the pipeline, CANCELED if it or a stage was canceled, else SUCCEEDED. */
export function finalStatus(execution: ExecutionView, caught: unknown): { status: ExecutionStatus; error?: string } {
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

export async function completeExecution(payload: CompletePayload, deps: EngineDeps): Promise<EngineResult> {
  return finalizeExecution(payload.executionId, deps, { caught: payload.caught });
}

/**
 * Finalises the record once: running stages become CANCELED, the execution gets its final status.
 * Also used by the lifecycle handler after an abort or timeout (`forced`).
 */
export async function finalizeExecution(
  executionId: string,
  deps: EngineDeps,
  options: { caught?: unknown; forced?: ExecutionStatus; reason?: string },
): Promise<EngineResult> {
  return retryOnConflict(async () => {
    const loaded = await deps.store.load(executionId);
    if (FINAL_EXECUTION_STATUSES.has(loaded.status)) return { status: loaded.status, ...(loaded.error ? { error: loaded.error } : {}) };
    const now = deps.clock.now();
    // The written stage records are the new state: no need to read the execution back.
    const stages: StageRecord[] = [];
    for (const stage of loaded.stages) {
      if (stage.status === 'RUNNING' || stage.status === 'PAUSED') {
        stages.push(await writeStage(deps, loaded, stage, await cancelRunningStage(loaded, stage, deps, now)));
      } else stages.push(stage);
    }
    const execution: ExecutionView = { ...loaded, stages };
    const decided = options.forced ? { status: options.forced, error: options.reason } : finalStatus(execution, options.caught);
    const { stages: _stages, skeleton: _skeleton, version: _version, ...record } = execution;
    const written = await deps.store.putExecution(
      { ...record, status: decided.status, endTime: now, ...(decided.error ? { error: decided.error } : {}) },
      execution,
    );
    const finished: ExecutionView = { ...written, skeleton: execution.skeleton, stages };
    await requestCleanups(finished, deps);
    await deps.notifier.publish({
      event: decided.status === 'SUCCEEDED' ? 'pipeline.complete' : 'pipeline.failed',
      application: finished.application,
      pipeline: finished.pipelineName,
      executionId,
      summary: `Pipeline ${finished.application}/${finished.pipelineName} ${decided.status}${decided.error ? `: ${decided.error}` : ''}`,
    });
    await deps.onExecutionFinished?.(finished);
    return { status: decided.status, ...(decided.error ? { error: decided.error } : {}) };
  });
}
