/** Routes a Task payload to its engine operation. Bad payloads are reported, not crashed on. */
import { InvalidInputError } from '../errors.js';
import type { EngineDeps } from './deps.js';
import { failStage } from './fail-stage.js';
import { awaitStages, completeExecution, startExecution } from './lifecycle-ops.js';
import { type EnginePayload, type EngineResult, EnginePayloadSchema } from './payloads.js';
import { routeFor } from './route.js';
import { runStage } from './run-stage.js';
import { cancelStageOperation } from './stage-cleanup.js';

export async function dispatch(event: unknown, deps: EngineDeps): Promise<EngineResult> {
  const parsed = EnginePayloadSchema.safeParse(event);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
    throw new InvalidInputError(`invalid engine payload: ${first.join('; ')}`);
  }
  const result = await route(parsed.data, deps);
  return { ...result, route: routeFor(result.status) };
}

function route(payload: EnginePayload, deps: EngineDeps): Promise<EngineResult> {
  switch (payload.op) {
    case 'start':
      return startExecution(payload, deps);
    case 'run':
      return runStage(payload, deps);
    case 'fail':
      return failStage(payload, deps);
    case 'await':
      return awaitStages(payload, deps);
    case 'complete':
      return completeExecution(payload, deps);
    case 'cancelStage':
      return cancelStageOperation(payload, deps);
  }
}
