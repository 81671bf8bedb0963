/**
 * How a stage call leaves its Task. A stage that passed (or waits) returns; any other outcome,
 * already recorded, is raised as one of the named errors the compiled Catch routes
 * (state-machines/contract/engine.ts SIGNALS). Raising is how Step Functions lets a Task go
 * elsewhere without a Choice after every stage.
 */
import { GennakerError } from '../../../state-machines/errors.js';
import { type EngineResult, type EngineStatus, PIPELINE_FAILED, type Signal, SIGNALS } from '../../../state-machines/contract/engine.js';
import type { FailurePolicy } from '../../../state-machines/model/pipeline.js';

/** The signal for a stage's outcome under its failure options; undefined when the branch goes on. */
export function signalFor(status: EngineStatus, policy: FailurePolicy): Signal | undefined {
  switch (status) {
    case 'TERMINAL':
      return SIGNALS.haltPipeline;
    case 'STOPPED':
      return policy === 'haltBranchThenFail' ? SIGNALS.completeThenFail : SIGNALS.haltBranch;
    case 'CANCELED':
    case 'HALTED':
      return SIGNALS.haltBranch;
    default:
      // SUCCEEDED, FAILED_CONTINUE, SKIPPED go on; RUNNING waits.
      return undefined;
  }
}

/**
 * An outcome the state machine routes by its name (`name` is the signal). Not a failure of the
 * function: handlers count it apart from unexpected errors (functions/core/metrics.ts).
 */
export class EngineSignal extends GennakerError {
  constructor(
    readonly signal: Signal | typeof PIPELINE_FAILED,
    readonly result: EngineResult,
    message: string,
  ) {
    super(message);
    this.name = signal;
  }
}

export function isEngineSignal(error: unknown): error is EngineSignal {
  return error instanceof EngineSignal;
}
