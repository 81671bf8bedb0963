/**
 * Resumes a state machine waiting on a callback stage's task token with the stage's result: a
 * stage that passed goes on (SendTaskSuccess); one that did not raises its signal (SendTaskFailure),
 * which the compiled Catch routes like any other stage's.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { EngineResult } from '../../state-machines/contract/engine.js';
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';
import { sfnClient } from './aws-clients.js';
import { signalFor } from './engine/route.js';

export type TaskResumer = (taskToken: string, result: EngineResult, policy: FailurePolicy) => Promise<void>;

export function sfnTaskResumer(sfn: SFNClient = sfnClient()): TaskResumer {
  return async (taskToken, result, policy) => {
    const signal = signalFor(result.status, policy);
    if (signal) await sfn.send(new SendTaskFailureCommand({ taskToken, error: signal, cause: `stage ${result.refId ?? ''} ${result.status}` }));
    else await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(result) }));
  };
}
