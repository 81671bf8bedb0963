/** The payloads compiled Task states send (see state-machines/compiler/payloads.ts), parsed strictly. */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { ExecutionWindowSchema } from '../../../state-machines/model/execution-window-schema.js';

const FailurePolicy = z.enum(['haltPipeline', 'haltBranch', 'haltBranchThenFail', 'ignore']);

export const StagePayloadSchema = z.object({
  refId: z.string(),
  name: z.string(),
  type: z.string(),
  failurePolicy: FailurePolicy,
  enabledExpression: z.optional(z.string()),
  executionWindow: z.optional(ExecutionWindowSchema),
  stageTimeoutMs: z.optional(z.number()),
  sendNotifications: z._default(z.boolean(), false),
  /** Absent in `fail` payloads, which need only the stage's identity and failure options. */
  config: z._default(z.record(z.string(), z.unknown()), {}),
});

const SkeletonSchema = z.object({
  application: z.string(),
  name: z.string(),
  id: z.string(),
  parameterConfig: z._default(z.array(z.looseObject({ name: z.string() })), []),
  notifications: z._default(z.array(z.record(z.string(), z.unknown())), []),
  stages: z.array(
    z.object({
      refId: z.string(),
      name: z.string(),
      type: z.string(),
      requisiteStageRefIds: z.array(z.string()),
      failurePolicy: FailurePolicy,
      notifications: z.optional(z.array(z.record(z.string(), z.unknown()))),
    }),
  ),
});

const ExecutionId = z.string().check(z.minLength(1), z.maxLength(80));

export const EnginePayloadSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('start'),
    executionId: ExecutionId,
    input: z.looseObject({
      trigger: z.optional(z.record(z.string(), z.unknown())),
      parameters: z.optional(z.record(z.string(), z.unknown())),
      stateMachineExecutionArn: z.optional(z.string()),
    }),
    pipeline: SkeletonSchema,
  }),
  z.object({ op: z.literal('run'), executionId: ExecutionId, stage: StagePayloadSchema, taskToken: z.optional(z.string()) }),
  z.object({
    op: z.literal('fail'),
    executionId: ExecutionId,
    stage: StagePayloadSchema,
    error: z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
  }),
  z.object({ op: z.literal('await'), executionId: ExecutionId, refId: z.string(), on: z.array(z.string()) }),
  z.object({ op: z.literal('complete'), executionId: ExecutionId, caught: z.unknown() }),
  /** Sent by another function (stage-cleanup.ts), not by a state machine. */
  z.object({ op: z.literal('cancelStage'), executionId: ExecutionId, refId: z.string() }),
]);

export type EnginePayload = z.infer<typeof EnginePayloadSchema>;
export type StagePayload = z.infer<typeof StagePayloadSchema>;
export type StartPayload = Extract<EnginePayload, { op: 'start' }>;
export type RunPayload = Extract<EnginePayload, { op: 'run' }>;
export type FailPayload = Extract<EnginePayload, { op: 'fail' }>;
export type AwaitPayload = Extract<EnginePayload, { op: 'await' }>;
export type CompletePayload = Extract<EnginePayload, { op: 'complete' }>;
export type CancelStagePayload = Extract<EnginePayload, { op: 'cancelStage' }>;

/** What a Task returns into `$.result`; the compiled Choice states follow `route`. */
export interface EngineResult {
  readonly status: string;
  readonly route?: import('./route.js').Route;
  readonly waitSeconds?: number;
  /** A callback stage is now waiting for SendTaskSuccess (a judge, a webhook). */
  readonly awaitingCallback?: boolean;
  readonly executionId?: string;
  readonly caught?: false;
}
