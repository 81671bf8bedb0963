/** The subset of Amazon States Language (JSONPath) the compiler emits. */
export type AslState = Record<string, unknown> & { Type: 'Task' | 'Choice' | 'Wait' | 'Parallel' | 'Pass' | 'Succeed' | 'Fail' };

export interface AslMachine {
  Comment?: string;
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
}

/** Errors worth retrying: Lambda service hiccups and our own TransientStageError. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
  'TransientStageError',
];

export function transientRetry(): Record<string, unknown>[] {
  return [{ ErrorEquals: TRANSIENT_ERRORS, IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }];
}

/** The error recorder only talks to DynamoDB: any failure of its own is worth a few quick retries. */
export function recorderRetry(): Record<string, unknown>[] {
  return [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }];
}

/** Step Functions' limit on a state machine definition. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;
