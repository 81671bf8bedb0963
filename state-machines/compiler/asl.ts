/**
 * The subset of Amazon States Language (JSONPath) the compiler emits, as typed states: a misspelt
 * field (`Nxt`, `ResultsPath`) does not type-check.
 */
import { EXECUTION_PAUSED } from '../contract/engine.js';

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  /** null: the error is dropped and the state data passes on unchanged. */
  readonly ResultPath?: string | null;
  readonly Next: string;
}

interface Common {
  readonly Comment?: string;
}

/** Either goes on to `Next` or ends the machine (`End: true`). */
type Transition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };

export type TaskState = Common &
  Transition & {
    readonly Type: 'Task';
    readonly Resource: string;
    readonly Parameters?: Readonly<Record<string, unknown>>;
    readonly ResultSelector?: Readonly<Record<string, string>>;
    /** null: the result is dropped and the state data passes on unchanged. */
    readonly ResultPath?: string | null;
    readonly TimeoutSeconds?: number;
    readonly Retry?: readonly Retrier[];
    readonly Catch?: readonly Catcher[];
  };

interface ChoiceRule {
  readonly Variable: string;
  readonly StringEquals?: string;
  readonly IsPresent?: boolean;
  readonly Next: string;
}

export interface ChoiceState extends Common {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

type WaitState = Common &
  Transition & {
    readonly Type: 'Wait';
    readonly SecondsPath: string;
  };

type PassState = Common &
  Transition & {
    readonly Type: 'Pass';
    readonly Result?: unknown;
    readonly ResultPath?: string | null;
  };

type ParallelState = Common &
  Transition & {
    readonly Type: 'Parallel';
    readonly Branches: readonly AslBranch[];
    readonly ResultPath?: string | null;
    readonly Catch?: readonly Catcher[];
  };

interface SucceedState extends Common {
  readonly Type: 'Succeed';
}

interface FailState extends Common {
  readonly Type: 'Fail';
  readonly Error: string;
  readonly Cause: string;
}

export type AslState = TaskState | ChoiceState | WaitState | PassState | ParallelState | SucceedState | FailState;

export interface AslBranch {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

export interface AslMachine extends AslBranch {
  readonly Comment?: string;
  readonly TimeoutSeconds?: number;
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

/**
 * A stage call raises EXECUTION_PAUSED while its execution is paused (after holding ~20 s): called
 * again every 20 s, for about a day and a half of pause (3,000 attempts, ~12,000 history events,
 * under the 25,000 limit); a longer pause fails the stage.
 */
const PAUSED_RETRY: Retrier = { ErrorEquals: [EXECUTION_PAUSED], IntervalSeconds: 20, MaxAttempts: 3000, BackoffRate: 1 };

export function transientRetry(): Retrier[] {
  return [{ ErrorEquals: TRANSIENT_ERRORS, IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }, PAUSED_RETRY];
}

/** The error recorder only talks to DynamoDB: any failure of its own is worth a few quick retries. */
export function recorderRetry(): Retrier[] {
  return [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }];
}

/**
 * Lambda's optimized integration, waiting for the task token: the function answers the token with
 * the outcome (SendTaskSuccess, or SendTaskFailure with a signal the Catch routes) and returns
 * normally, so a stage that failed or halted is not a function error; a function error (a crash,
 * a timeout) still fails the Task.
 */
export const ANSWERED_INVOKE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** A Task's Resource and Parameters invoking `functionArn` with `payload` (which carries the task token). */
export function answeredInvoke(functionArn: string, payload: Readonly<Record<string, unknown>>): Pick<TaskState, 'Resource' | 'Parameters'> {
  return { Resource: ANSWERED_INVOKE, Parameters: { FunctionName: functionArn, Payload: payload } };
}

/** Step Functions' limit on a state machine definition. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;
