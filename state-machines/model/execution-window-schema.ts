/**
 * A stage's restrictedExecutionWindow (Spinnaker's), apart from the rest of the pipeline schema:
 * the engine Lambdas parse windows on every call and need not build the whole pipeline schema
 * (zod schemas are built when their module loads).
 */
import * as z from 'zod/mini';
import '../zod-messages.js';

/** An integer in [min, max] (max optional), as `z.number().int().min(min).max(max)`. */
const intBetween = (min: number, max?: number) =>
  max === undefined ? z.number().check(z.int(), z.gte(min)) : z.number().check(z.int(), z.gte(min), z.lte(max));

const TimeWindowSchema = z.looseObject({
  startHour: intBetween(0, 23),
  startMin: intBetween(0, 59),
  endHour: intBetween(0, 23),
  endMin: intBetween(0, 59),
});

export const ExecutionWindowSchema = z.looseObject({
  whitelist: z.optional(z.array(TimeWindowSchema)),
  /** 1 = Sunday ... 7 = Saturday (Spinnaker's convention). */
  days: z.optional(z.array(intBetween(1, 7))),
  jitter: z.optional(
    z.looseObject({
      enabled: z.optional(z.boolean()),
      minDelay: z.optional(intBetween(0)),
      maxDelay: z.optional(intBetween(0)),
      skipManual: z.optional(z.boolean()),
    }),
  ),
  /** IANA time zone the whitelist is written in; Spinnaker uses the server's zone, we default to UTC. */
  timeZone: z.optional(z.string()),
});
