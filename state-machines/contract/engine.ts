/**
 * The contract between the compiler and the engine: what each compiled Task sends (one zod schema,
 * parsed by the engine and used to type what the compiler renders), what the engine answers, and
 * the named errors through which a stage leaves its Task when it did not pass.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { ExecutionWindowSchema } from '../model/execution-window-schema.js';

/** Orca's stage statuses. */
export type StageStatus = 'NOT_STARTED' | 'RUNNING' | 'PAUSED' | 'SUCCEEDED' | 'FAILED_CONTINUE' | 'TERMINAL' | 'CANCELED' | 'STOPPED' | 'SKIPPED';

/** What an engine call ended in: a stage status, or `HALTED` (the branch cannot go on) for a stage that never ran. */
export type EngineStatus = StageStatus | 'HALTED';

/**
 * Named errors a stage Task raises after the engine recorded the outcome, caught by the compiled
 * Catch: `HaltBranch` ends the branch, `CompleteThenFail` ends the branch and the pipeline fails at
 * the end, `HaltPipeline` sends the run to the pipeline's failure path.
 */
export const SIGNALS = {
  haltBranch: 'Gennaker.HaltBranch',
  completeThenFail: 'Gennaker.CompleteThenFail',
  haltPipeline: 'Gennaker.HaltPipeline',
} as const;
export type Signal = (typeof SIGNALS)[keyof typeof SIGNALS];
export const SIGNAL_NAMES: readonly Signal[] = Object.values(SIGNALS);
/** Raised by the completion of a pipeline that did not succeed: the state machine run fails with it. */
export const PIPELINE_FAILED = 'Gennaker.PipelineFailed';
/**
 * Raised by a stage call that cannot wait in a loop of its own (a task or callback stage) while its
 * execution is paused, after holding a while: the Task's Retry calls it again until it is resumed.
 */
export const EXECUTION_PAUSED = 'Gennaker.Paused';

/**
 * Whether a stage's Task is followed by a Wait loop (its result may carry `waitSeconds`): a type
 * that polls, a stage with an execution window, or one awaiting stages of other mesh branches.
 * The compiler renders the loop and the engine relies on it, so both ask here.
 */
export function stageLoops(
  execution: 'task' | 'poll' | 'callback',
  stage: { readonly executionWindow?: unknown; readonly awaits?: readonly string[] | undefined },
): boolean {
  return execution === 'poll' || stage.executionWindow !== undefined || (stage.awaits !== undefined && stage.awaits.length > 0);
}

const FailurePolicy = z.enum(['haltPipeline', 'haltBranch', 'haltBranchThenFail', 'ignore']);

/** A stage's identity and failure options: all the error recorder needs. */
const StageIdentitySchema = z.object({
  refId: z.string(),
  name: z.string(),
  type: z.string(),
  failurePolicy: FailurePolicy,
  sendNotifications: z._default(z.boolean(), false),
});

const StagePayloadSchema = z.object({
  ...StageIdentitySchema.shape,
  requisiteStageRefIds: z._default(z.array(z.string()), []),
  /**
   * Stages this call reads besides itself and its requisites (the stages its expressions and its
   * type refer to), or `all` when the compiler cannot tell (a free variable, a computed name).
   */
  reads: z._default(z.union([z.array(z.string()), z.literal('all')]), []),
  /** Requisites in other branches of a mesh: the stage waits (polls) until they end. */
  awaits: z.optional(z.array(z.string())),
  enabledExpression: z.optional(z.string()),
  executionWindow: z.optional(ExecutionWindowSchema),
  stageTimeoutMs: z.optional(z.number()),
  config: z._default(z.record(z.string(), z.unknown()), {}),
});

const StageSkeletonSchema = z.object({
  refId: z.string(),
  name: z.string(),
  type: z.string(),
  requisiteStageRefIds: z.array(z.string()),
  failurePolicy: FailurePolicy,
  notifications: z.optional(z.array(z.record(z.string(), z.unknown()))),
});

const PipelineSkeletonSchema = z.object({
  application: z.string(),
  name: z.string(),
  id: z.string(),
  parameterConfig: z._default(z.array(z.looseObject({ name: z.string() })), []),
  notifications: z._default(z.array(z.record(z.string(), z.unknown())), []),
  limitConcurrent: z.optional(z.boolean()),
  maxConcurrentExecutions: z.optional(z.number()),
  keepWaitingPipelines: z.optional(z.boolean()),
  stages: z.array(StageSkeletonSchema),
});

const ExecutionId = z.string().check(z.minLength(1), z.maxLength(80));
const StepFunctionsError = z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) });

export const StartPayloadSchema = z.object({
  op: z.literal('start'),
  executionId: ExecutionId,
  input: z.looseObject({
    trigger: z.optional(z.record(z.string(), z.unknown())),
    parameters: z.optional(z.record(z.string(), z.unknown())),
    stateMachineExecutionArn: z.optional(z.string()),
  }),
  pipeline: PipelineSkeletonSchema,
});
export const RunPayloadSchema = z.object({ op: z.literal('run'), executionId: ExecutionId, stage: StagePayloadSchema, taskToken: z.optional(z.string()) });
/** The shared error recorder of a branch: which stage failed is the first of `stages` that has not ended. */
export const RecordPayloadSchema = z.object({
  op: z.literal('record'),
  executionId: ExecutionId,
  stages: z.array(StageIdentitySchema).check(z.minLength(1)),
  error: StepFunctionsError,
  taskToken: z.optional(z.string()),
});
export const CompletePayloadSchema = z.object({ op: z.literal('complete'), executionId: ExecutionId, caught: z.unknown(), taskToken: z.optional(z.string()) });
/** Sent by another function (functions/core/engine/stage-cleanup.ts), not by a state machine. */
const CancelStagePayloadSchema = z.object({ op: z.literal('cancelStage'), executionId: ExecutionId, refId: z.string() });

export const EnginePayloadSchema = z.discriminatedUnion('op', [
  StartPayloadSchema,
  RunPayloadSchema,
  RecordPayloadSchema,
  CompletePayloadSchema,
  CancelStagePayloadSchema,
]);

export type EnginePayload = z.infer<typeof EnginePayloadSchema>;
export type StageIdentity = z.infer<typeof StageIdentitySchema>;
export type StagePayload = z.infer<typeof StagePayloadSchema>;
export type PipelineSkeleton = z.infer<typeof PipelineSkeletonSchema>;
export type StartPayload = z.infer<typeof StartPayloadSchema>;
export type RunPayload = z.infer<typeof RunPayloadSchema>;
export type RecordPayload = z.infer<typeof RecordPayloadSchema>;
export type CompletePayload = z.infer<typeof CompletePayloadSchema>;
export type CancelStagePayload = z.infer<typeof CancelStagePayloadSchema>;

/**
 * A payload as the compiler renders it: fields the state data supplies are JSONPath references
 * (`"executionId.$": "$.executionId"`), the rest are literal values of the schema's input type.
 */
export type PayloadTemplate<S extends z.ZodMiniType, FromState extends keyof z.input<S>> = Omit<z.input<S>, FromState> & {
  readonly [K in FromState as `${K & string}.$`]: string;
};

/**
 * What a Task returns into `$.result` (only stages that wait keep it): the status the call ended
 * in and, while the stage waits, when to call again. The start Task's result also carries the
 * execution id and `caught: false`, the state data of the whole run.
 */
export interface EngineResult {
  readonly status: EngineStatus;
  /** Present while the stage waits: the compiled Choice goes to the stage's Wait. */
  readonly waitSeconds?: number;
  /** A callback stage is now waiting for SendTaskSuccess (a judge, a webhook). */
  readonly awaitingCallback?: boolean;
  /** The error recorder: which stage it found failed. */
  readonly refId?: string;
  /** The error recorder: the failed stage whose failure options let the branch go on after it. */
  readonly resume?: string;
  /** Why: the completion of a run that did not succeed, a halted pipeline passing an error recorder. */
  readonly error?: string;
  readonly executionId?: string;
  readonly caught?: false;
}
