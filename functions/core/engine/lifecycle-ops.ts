/** The pipeline-level steps: start (create the record) and complete (the end of the execution, execution-end.ts). */
import { resolveParameters } from '../../../state-machines/model/parameters.js';
import type { CompletePayload, EngineResult, StartPayload } from '../../../state-machines/contract/engine.js';
import { newExecutionRecord } from '../execution-model.js';
import type { EngineDeps } from './deps.js';
import { endExecution } from './execution-end.js';

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

export async function completeExecution(payload: CompletePayload, deps: EngineDeps): Promise<EngineResult> {
  const ended = await endExecution(payload.executionId, { caught: payload.caught }, deps);
  return { status: ended.status, ...(ended.error ? { error: ended.error } : {}) };
}
