/** SendTaskSuccess with an engine result: how a callback stage that did not wait resumes its state machine. */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { sfnClient } from './aws-clients.js';
import type { EngineResult } from './engine/payloads.js';

export function sfnTaskResumer(sfn: SFNClient = sfnClient()): (taskToken: string, result: EngineResult) => Promise<void> {
  return async (taskToken, result) => {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(result) }));
  };
}
