/**
 * How an engine call leaves its Task. A stage that passed (or waits) succeeds; any other outcome,
 * already recorded, fails the Task with one of the named errors the compiled Catch routes
 * (state-machines/contract/engine.ts SIGNALS). Failing a Task is how Step Functions lets it go
 * elsewhere without a Choice after every stage.
 *
 * The function itself does not fail for these: the compiled Tasks carry a task token and the
 * handler answers it (SendTaskSuccess / SendTaskFailure, task-resume.ts), then returns normally, so
 * Lambda's `Errors` counts only what nobody expected (crashes, timeouts, bugs).
 */
import { GennakerError } from '../../../state-machines/errors.js';
import { type EngineResult, type EngineStatus, EXECUTION_PAUSED, PIPELINE_FAILED, type Signal, SIGNALS } from '../../../state-machines/contract/engine.js';
import type { EnginePayload } from '../../../state-machines/contract/engine.js';
import type { FailurePolicy } from '../../../state-machines/model/pipeline.js';

/** What a Task ends with: its output, or an error name (the signal) the compiled Catch and Retry match. */
export type TaskAnswer =
  | { readonly kind: 'success'; readonly output: EngineResult }
  | { readonly kind: 'failure'; readonly error: string; readonly cause: string; readonly result?: EngineResult };

/** Error name of a call that asks to be delivered again (a requisite not finished yet): the Tasks' Retry matches it. */
export const TRANSIENT_ERROR = 'TransientStageError';

/** The signal for a stage's outcome under its failure options; undefined when the branch goes on. */
function signalFor(status: EngineStatus, policy: FailurePolicy): Signal | undefined {
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

/** How a stage's Task ends for its result under its failure options. */
export function stageAnswer(result: EngineResult, policy: FailurePolicy, cause?: string): TaskAnswer {
  const signal = signalFor(result.status, policy);
  if (!signal) return { kind: 'success', output: result };
  return { kind: 'failure', error: signal, cause: cause ?? `stage ${result.refId ?? ''} ${result.status}`.replace('  ', ' '), result };
}

/** How the Task of an engine call ends. */
export function answerFor(payload: EnginePayload, result: EngineResult): TaskAnswer {
  switch (payload.op) {
    case 'complete':
      return result.status === 'SUCCEEDED'
        ? { kind: 'success', output: result }
        : { kind: 'failure', error: PIPELINE_FAILED, cause: result.error ?? `pipeline ${result.status}`, result };
    case 'run':
      return stageAnswer(result, payload.stage.failurePolicy);
    case 'record': {
      const policy = payload.stages.find((s) => s.refId === result.refId)?.failurePolicy ?? 'haltBranch';
      return stageAnswer(result, policy, result.error);
    }
    default:
      return { kind: 'success', output: result };
  }
}

/**
 * A Task failure raised as the function's own error: only for a call that came without a task
 * token (a definition compiled before stage Tasks carried one), where raising is the only way to
 * route. The name is the signal, as Step Functions reports it.
 */
export class EngineSignal extends GennakerError {
  constructor(readonly answer: Extract<TaskAnswer, { kind: 'failure' }>) {
    super(answer.cause);
    this.name = answer.error;
  }
}

/** Raised (by name) by a stage call that cannot loop while its execution is paused: the Task's Retry calls again. */
export class ExecutionPausedSignal extends GennakerError {
  override readonly name = EXECUTION_PAUSED;
  // A pause is a state the caller chose, answered by the Task's Retry: not a fault.
  override readonly kind = 'conflict';
}
