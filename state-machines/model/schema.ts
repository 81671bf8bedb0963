/**
 * Spinnaker's pipeline JSON as a zod schema. Unknown fields are kept (Spinnaker exports carry many
 * UI-only fields); stage-type specific fields are checked by the stage type's own rules.
 */
import * as z from 'zod';

/** Spinnaker writes refIds as strings or numbers; we normalise to strings. */
const RefId = z.union([z.string().min(1), z.number().int()]).transform(String);

export const NotificationSchema = z.looseObject({
  type: z.string().min(1),
  address: z.string().optional(),
  level: z.enum(['pipeline', 'stage']).optional(),
  when: z.array(z.string()).optional(),
  message: z.record(z.string(), z.unknown()).optional(),
});

export const ParameterSchema = z.looseObject({
  name: z.string().min(1),
  label: z.string().optional(),
  description: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  required: z.boolean().optional(),
  hasOptions: z.boolean().optional(),
  options: z.array(z.looseObject({ value: z.union([z.string(), z.number(), z.boolean()]) })).optional(),
  pinned: z.boolean().optional(),
});

export const TimeWindowSchema = z.looseObject({
  startHour: z.number().int().min(0).max(23),
  startMin: z.number().int().min(0).max(59),
  endHour: z.number().int().min(0).max(23),
  endMin: z.number().int().min(0).max(59),
});

export const ExecutionWindowSchema = z.looseObject({
  whitelist: z.array(TimeWindowSchema).optional(),
  /** 1 = Sunday ... 7 = Saturday (Spinnaker's convention). */
  days: z.array(z.number().int().min(1).max(7)).optional(),
  jitter: z
    .looseObject({
      enabled: z.boolean().optional(),
      minDelay: z.number().int().min(0).optional(),
      maxDelay: z.number().int().min(0).optional(),
      skipManual: z.boolean().optional(),
    })
    .optional(),
  /** IANA time zone the whitelist is written in; Spinnaker uses the server's zone, we default to UTC. */
  timeZone: z.string().optional(),
});

export const StageEnabledSchema = z.looseObject({
  type: z.literal('expression'),
  expression: z.union([z.string(), z.boolean()]),
});

export const StageSchema = z.looseObject({
  refId: RefId.optional(),
  requisiteStageRefIds: z.array(RefId).optional(),
  type: z.string().min(1),
  name: z.string().optional(),
  failPipeline: z.boolean().optional(),
  continuePipeline: z.boolean().optional(),
  completeOtherBranchesThenFail: z.boolean().optional(),
  stageEnabled: StageEnabledSchema.optional(),
  restrictExecutionDuringTimeWindow: z.boolean().optional(),
  restrictedExecutionWindow: ExecutionWindowSchema.optional(),
  stageTimeoutMs: z.number().int().positive().optional(),
  sendNotifications: z.boolean().optional(),
  notifications: z.array(NotificationSchema).optional(),
});

export const TriggerSchema = z.looseObject({
  type: z.string().min(1),
  enabled: z.boolean().optional(),
});

export const PipelineSchema = z.looseObject({
  application: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  id: z.string().optional(),
  description: z.string().optional(),
  triggers: z.array(TriggerSchema).optional(),
  parameterConfig: z.array(ParameterSchema).optional(),
  notifications: z.array(NotificationSchema).optional(),
  limitConcurrent: z.boolean().optional(),
  maxConcurrentExecutions: z.number().int().min(0).optional(),
  keepWaitingPipelines: z.boolean().optional(),
  disabled: z.boolean().optional(),
  stages: z.array(StageSchema),
});

export type PipelineInput = z.input<typeof PipelineSchema>;
export type ParsedPipeline = z.output<typeof PipelineSchema>;
export type ParsedStage = z.output<typeof StageSchema>;
export type ParameterConfig = z.output<typeof ParameterSchema>;
export type ExecutionWindow = z.output<typeof ExecutionWindowSchema>;
export type NotificationConfig = z.output<typeof NotificationSchema>;
export type TriggerConfig = z.output<typeof TriggerSchema>;
