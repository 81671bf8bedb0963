/**
 * Routes a Task payload to its engine operation. Bad payloads are reported, not crashed on. An
 * outcome that does not let the branch go on becomes the Task's answer (route.ts), after the
 * operation recorded it; only unexpected errors are thrown.
 */
import { type EnginePayload, EnginePayloadSchema, type EngineResult, EXECUTION_PAUSED } from '../../../state-machines/contract/engine.js';
import { InvalidInputError } from '../errors.js';
import type { EngineDeps } from './deps.js';
import { completeExecution, startExecution } from './lifecycle-ops.js';
import { recordFailure } from './record-failure.js';
import { answerFor, ExecutionPausedSignal, type TaskAnswer, TRANSIENT_ERROR } from './route.js';
import { runStage } from './run-stage.js';
import { cancelStageOperation } from './stage-cleanup.js';
import { TransientStageError } from '../stage-api.js';

function parsePayload(event: unknown): EnginePayload {
  const parsed = EnginePayloadSchema.safeParse(event);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
    throw new InvalidInputError(`invalid engine payload: ${first.join('; ')}`);
  }
  return parsed.data;
}

/** One engine call: its result and how its Task ends (route.ts). Throws only what nobody expected. */
export async function engineCall(event: unknown, deps: EngineDeps): Promise<{ result: EngineResult; answer: TaskAnswer }> {
  const payload = parsePayload(event);
  try {
    const result = await route(payload, deps);
    return { result, answer: answerFor(payload, result) };
  } catch (error) {
    // "Not yet" (a requisite still running, a throttled call): the Task's Retry delivers it again.
    // A paused execution (pause.ts): the same, on the Retry that waits for resume.
    if (error instanceof ExecutionPausedSignal)
      return { result: { status: 'RUNNING' }, answer: { kind: 'failure', error: EXECUTION_PAUSED, cause: error.message } };
    if (!(error instanceof TransientStageError)) throw error;
    return { result: { status: 'RUNNING' }, answer: { kind: 'failure', error: TRANSIENT_ERROR, cause: error.message } };
  }
}

/** The result of one engine call, whatever its Task's answer. */
export async function dispatch(event: unknown, deps: EngineDeps): Promise<EngineResult> {
  return (await engineCall(event, deps)).result;
}

function route(payload: EnginePayload, deps: EngineDeps): Promise<EngineResult> {
  switch (payload.op) {
    case 'start':
      return startExecution(payload, deps);
    case 'run':
      return runStage(payload, deps).then((r) => ({ ...r, refId: payload.stage.refId }));
    case 'record':
      return recordFailure(payload, deps);
    case 'complete':
      return completeExecution(payload, deps);
    case 'cancelStage':
      return cancelStageOperation(payload, deps);
  }
}
