/**
 * Routes a Task payload to its engine operation. Bad payloads are reported, not crashed on. An
 * outcome that does not let the branch go on is raised as its named signal (route.ts), after the
 * operation recorded it.
 */
import { type EnginePayload, EnginePayloadSchema, type EngineResult, PIPELINE_FAILED } from '../../../state-machines/contract/engine.js';
import type { FailurePolicy } from '../../../state-machines/model/pipeline.js';
import { InvalidInputError } from '../errors.js';
import type { EngineDeps } from './deps.js';
import { completeExecution, startExecution } from './lifecycle-ops.js';
import { recordFailure } from './record-failure.js';
import { EngineSignal, signalFor } from './route.js';
import { runStage } from './run-stage.js';
import { cancelStageOperation } from './stage-cleanup.js';

export function parsePayload(event: unknown): EnginePayload {
  const parsed = EnginePayloadSchema.safeParse(event);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
    throw new InvalidInputError(`invalid engine payload: ${first.join('; ')}`);
  }
  return parsed.data;
}

export async function dispatch(event: unknown, deps: EngineDeps): Promise<EngineResult> {
  const payload = parsePayload(event);
  const result = await route(payload, deps);
  raiseSignal(payload, result);
  return result;
}

/** Throws the signal for a result that does not let the run go on from this Task. */
export function raiseSignal(payload: EnginePayload, result: EngineResult): void {
  if (payload.op === 'complete') {
    if (result.status !== 'SUCCEEDED') throw new EngineSignal(PIPELINE_FAILED, result, result.error ?? `pipeline ${result.status}`);
    return;
  }
  const policy = policyOf(payload, result);
  if (policy === undefined) return;
  const signal = signalFor(result.status, policy);
  if (signal) throw new EngineSignal(signal, result, `stage ${result.refId ?? ''} ${result.status}`.replace('  ', ' '));
}

function policyOf(payload: EnginePayload, result: EngineResult): FailurePolicy | undefined {
  if (payload.op === 'run') return payload.stage.failurePolicy;
  if (payload.op === 'record') return payload.stages.find((s) => s.refId === result.refId)?.failurePolicy ?? 'haltBranch';
  return undefined;
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
