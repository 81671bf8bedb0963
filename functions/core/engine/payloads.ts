/** The payloads compiled Task states send (see state-machines/compiler/payloads.ts), parsed strictly. */
import * as z from 'zod';
import { ExecutionWindowSchema } from '../../../state-machines/model/schema.js';

const FailurePolicy = z.enum(['haltPipeline', 'haltBranch', 'haltBranchThenFail', 'ignore']);

export const StagePayloadSchema = z.object({
  refId: z.string(),
  name: z.string(),
  type: z.string(),
  failurePolicy: FailurePolicy,
  enabledExpression: z.string().optional(),
  executionWindow: ExecutionWindowSchema.optional(),
  stageTimeoutMs: z.number().optional(),
  sendNotifications: z.boolean().default(false),
  /** Absent in `fail` payloads, which need only the stage's identity and failure options. */
  config: z.record(z.string(), z.unknown()).default({}),
});

const SkeletonSchema = z.object({
  application: z.string(),
  name: z.string(),
  id: z.string(),
  parameterConfig: z.array(z.looseObject({ name: z.string() })).default([]),
  notifications: z.array(z.record(z.string(), z.unknown())).default([]),
  stages: z.array(
    z.object({
      refId: z.string(),
      name: z.string(),
      type: z.string(),
      requisiteStageRefIds: z.array(z.string()),
      failurePolicy: FailurePolicy,
      notifications: z.array(z.record(z.string(), z.unknown())).optional(),
    }),
  ),
});

const ExecutionId = z.string().min(1).max(80);

export const EnginePayloadSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('start'),
    executionId: ExecutionId,
    input: z.looseObject({
      trigger: z.record(z.string(), z.unknown()).optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      stateMachineExecutionArn: z.string().optional(),
    }),
    pipeline: SkeletonSchema,
  }),
  z.object({ op: z.literal('run'), executionId: ExecutionId, stage: StagePayloadSchema, taskToken: z.string().optional() }),
  z.object({
    op: z.literal('fail'),
    executionId: ExecutionId,
    stage: StagePayloadSchema,
    error: z.looseObject({ Error: z.string().optional(), Cause: z.string().optional() }),
  }),
  z.object({ op: z.literal('await'), executionId: ExecutionId, refId: z.string(), on: z.array(z.string()) }),
  z.object({ op: z.literal('complete'), executionId: ExecutionId, caught: z.unknown() }),
]);

export type EnginePayload = z.infer<typeof EnginePayloadSchema>;
export type StagePayload = z.infer<typeof StagePayloadSchema>;
export type StartPayload = Extract<EnginePayload, { op: 'start' }>;
export type RunPayload = Extract<EnginePayload, { op: 'run' }>;
export type FailPayload = Extract<EnginePayload, { op: 'fail' }>;
export type AwaitPayload = Extract<EnginePayload, { op: 'await' }>;
export type CompletePayload = Extract<EnginePayload, { op: 'complete' }>;

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
