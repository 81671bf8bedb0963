/**
 * Answers a Task's token: SendTaskSuccess with the output, or SendTaskFailure with the signal the
 * compiled Catch routes. Every stage Task (and the error recorders and the completion) waits on a
 * token, so the function that ran the call answers it and returns normally (route.ts); a callback
 * stage's token is answered later, by whoever ends its wait (a judgment, a webhook callback).
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { EngineResult } from '../../state-machines/contract/engine.js';
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';
import { errorCode } from './cloud/aws-errors.js';
import { stageAnswer, type TaskAnswer } from './engine/route.js';

export type TaskAnswerer = (taskToken: string, answer: TaskAnswer) => Promise<void>;
/** Ends a callback stage's wait with the stage's result, under its failure options. */
export type TaskResumer = (taskToken: string, result: EngineResult, policy: FailurePolicy) => Promise<void>;

/**
 * The Task a token names is gone: it timed out, or a retry replaced it (a new attempt has a new
 * token). Nothing waits for this answer, so it is not an error of the call.
 */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist']);

export function sfnTaskAnswerer(sfn?: SFNClient): TaskAnswerer {
  let client = sfn;
  return async (taskToken, answer) => {
    // The SFN SDK loads and its client is built at the first answer, not at cold start (a
    // function's init compiles what it imports statically); a warm container reuses both.
    const { SendTaskFailureCommand, SendTaskSuccessCommand, sfnClient } = await import('./sdk-clients/sfn.js');
    client ??= sfnClient();
    try {
      if (answer.kind === 'success') await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(answer.output) }));
      else await client.send(new SendTaskFailureCommand({ taskToken, error: answer.error, cause: answer.cause.slice(0, 32_768) }));
    } catch (error) {
      if (!TASK_GONE.has(errorCode(error) ?? '')) throw error;
    }
  };
}

export function sfnTaskResumer(sfn?: SFNClient): TaskResumer {
  const answer = sfnTaskAnswerer(sfn);
  return (taskToken, result, policy) => answer(taskToken, stageAnswer(result, policy));
}
