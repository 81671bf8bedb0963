/**
 * Spinnaker's pipeline JSON as a zod schema. Unknown fields are kept (Spinnaker exports carry many
 * UI-only fields); stage-type specific fields are checked by the stage type's own rules.
 *
 * zod/mini (the functional API) keeps Lambda bundles small; every schema here is built exactly as
 * the classic chain would build it (same checks in the same order), so parsing, issue messages and
 * the exported JSON Schema are unchanged.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';

import { ExecutionWindowSchema } from './execution-window-schema.js';

const nonEmptyString = () => z.string().check(z.minLength(1));
const int = () => z.number().check(z.int());
/** A whole number from min, as `z.number().int().min(min)`. */
const intFrom = (min: number) => z.number().check(z.int(), z.gte(min));

/** Spinnaker writes refIds as strings or numbers; we normalise to strings. */
const RefId = z.pipe(z.union([nonEmptyString(), int()]), z.transform(String));

const NotificationSchema = z.looseObject({
  type: nonEmptyString(),
  address: z.optional(z.string()),
  level: z.optional(z.enum(['pipeline', 'stage'])),
  when: z.optional(z.array(z.string())),
  message: z.optional(z.record(z.string(), z.unknown())),
});

const ParameterSchema = z.looseObject({
  name: nonEmptyString(),
  label: z.optional(z.string()),
  description: z.optional(z.string()),
  default: z.optional(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  required: z.optional(z.boolean()),
  hasOptions: z.optional(z.boolean()),
  options: z.optional(z.array(z.looseObject({ value: z.union([z.string(), z.number(), z.boolean()]) }))),
  pinned: z.optional(z.boolean()),
});

/**
 * Orca's optional stages: only `type: expression` (any case) with a non-blank expression makes a
 * stage conditional; no type, another type, or no or an empty expression means "run the stage"
 * (OptionalStageSupport), and Deck exports all of these.
 */
const StageEnabledSchema = z.looseObject({
  type: z.optional(z.nullable(z.string())),
  expression: z.optional(z.nullable(z.union([z.string(), z.boolean()]))),
});

export const StageSchema = z.looseObject({
  refId: z.optional(RefId),
  requisiteStageRefIds: z.optional(z.array(RefId)),
  type: nonEmptyString(),
  name: z.optional(z.string()),
  failPipeline: z.optional(z.boolean()),
  continuePipeline: z.optional(z.boolean()),
  completeOtherBranchesThenFail: z.optional(z.boolean()),
  stageEnabled: z.optional(StageEnabledSchema),
  restrictExecutionDuringTimeWindow: z.optional(z.boolean()),
  restrictedExecutionWindow: z.optional(ExecutionWindowSchema),
  stageTimeoutMs: z.optional(z.number().check(z.int(), z.positive())),
  sendNotifications: z.optional(z.boolean()),
  notifications: z.optional(z.array(NotificationSchema)),
});

export const TriggerSchema = z.looseObject({
  type: nonEmptyString(),
  enabled: z.optional(z.boolean()),
});

export const PipelineSchema = z.looseObject({
  application: z.optional(nonEmptyString()),
  name: z.optional(nonEmptyString()),
  id: z.optional(z.string()),
  description: z.optional(z.string()),
  triggers: z.optional(z.array(TriggerSchema)),
  parameterConfig: z.optional(z.array(ParameterSchema)),
  notifications: z.optional(z.array(NotificationSchema)),
  limitConcurrent: z.optional(z.boolean()),
  maxConcurrentExecutions: z.optional(intFrom(0)),
  keepWaitingPipelines: z.optional(z.boolean()),
  disabled: z.optional(z.boolean()),
  stages: z.array(StageSchema),
});

export type ParsedStage = z.output<typeof StageSchema>;
export type ParameterConfig = z.output<typeof ParameterSchema>;
export type ExecutionWindow = z.output<typeof ExecutionWindowSchema>;
export type NotificationConfig = z.output<typeof NotificationSchema>;
export type TriggerConfig = z.output<typeof TriggerSchema>;
