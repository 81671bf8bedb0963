import { SFNClient } from '@aws-sdk/client-sfn';

/** What callers that import this module lazily send and catch: importing the SDK's index instead would bundle all of it. */
export { ExecutionAlreadyExists, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { cached, type ClientOptions } from '../client-cache.js';

export function sfnClient(o: ClientOptions = {}) {
  return cached('sfn', o, (c) => new SFNClient(c));
}
