/**
 * Lambda that EventBridge Scheduler invokes for cron triggers, with
 * `{application, pipelineId, triggerId, scheduledTime}` (see schedules.ts). The firing's scheduled
 * time is its dedupe key: Scheduler's retries of one firing start one execution.
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps, type TriggerDeps } from '../deps.js';
import { pipelineRef, startPipeline, triggerObject } from '../dispatch.js';
import { PipelineNotFoundError } from '../errors.js';
import { acknowledge, type EventSummary } from '../events.js';
import { parseOrRefuse } from '../normalized.js';
import { cronTriggerId } from './schedules.js';

const CronInvocationSchema = z.looseObject({
  application: z.string().check(z.minLength(1)),
  pipelineId: z.string().check(z.minLength(1)),
  triggerId: z.string().check(z.minLength(1)),
  scheduledTime: z.optional(z.string()),
  executionId: z.optional(z.string()),
});

export async function handleCronInvocation(event: unknown, deps: TriggerDeps): Promise<EventSummary> {
  return acknowledge(
    'cron',
    () => deps.log,
    async () => {
      const input = parseOrRefuse(CronInvocationSchema, event, 'cron schedule invocation');
      const entry = await deps.registry.get(input.application, input.pipelineId);
      if (!entry) throw new PipelineNotFoundError(`no pipeline ${input.application}/${input.pipelineId} (its schedule should be deleted)`);
      const index = entry.pipeline.triggers.findIndex((t, i) => t.type === 'cron' && cronTriggerId(t, i) === input.triggerId);
      const config = entry.pipeline.triggers[index];
      if (!config) throw new PipelineNotFoundError(`pipeline ${pipelineRef(entry.pipeline)} has no cron trigger '${input.triggerId}'`);
      if (config.enabled === false || entry.disabled) return { source: 'cron', ignored: `the trigger or pipeline ${pipelineRef(entry.pipeline)} is disabled` };
      const firing = input.scheduledTime ?? input.executionId ?? new Date(Math.floor(deps.clock.now() / 60_000) * 60_000).toISOString();
      const trigger = triggerObject(config, { type: 'cron', user: '[anonymous]', ...(input.scheduledTime ? { scheduledTime: input.scheduledTime } : {}) });
      const outcome = await startPipeline(entry, trigger, { source: 'cron', deliveryKey: `${input.triggerId}@${firing}` }, deps);
      deps.log.info(`trigger ${outcome.status}`, {
        source: 'cron',
        pipeline: outcome.pipeline,
        ...('executionId' in outcome ? { executionId: outcome.executionId } : {}),
      });
      return { source: 'cron', outcomes: [outcome] };
    },
  );
}

const deps = lazyTriggerDeps();
export const handler = lambdaHandler((event: unknown): Promise<EventSummary> => handleCronInvocation(event, deps()));
