/**
 * The EventBridge Scheduler schedules a pipeline's cron triggers need, for the CDK app to create:
 * one per enabled cron trigger, invoking the cron trigger Lambda with the pipeline and trigger ids
 * (and the scheduled time, which makes every firing its own dedupe key). Pure.
 */
import { createHash } from 'node:crypto';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import { DEFAULT_TIME_ZONE } from '../../../state-machines/model/time-zone.js';
import { quartzToScheduler } from '../../../state-machines/triggers/cron-expression.js';

/** What the schedule sends the cron Lambda (Scheduler fills in the context attribute). */
interface CronInvocation {
  readonly application: string;
  readonly pipelineId: string;
  readonly triggerId: string;
  readonly scheduledTime?: string;
  readonly executionId?: string;
}

export interface CronSchedule {
  /** Scheduler names: 1-64 characters of [0-9A-Za-z-_.]. */
  readonly name: string;
  readonly expression: string;
  readonly timezone: string;
  readonly input: CronInvocation;
  readonly description: string;
  readonly warnings: readonly string[];
}

/** A cron trigger's id: Spinnaker's `id`, else its position among the pipeline's triggers. */
export function cronTriggerId(trigger: TriggerConfig, index: number): string {
  const id = (trigger as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? id : `cron-${index}`;
}

export function scheduleName(application: string, pipelineId: string, triggerId: string): string {
  const name = `gennaker-${application}-${pipelineId}-${triggerId}`.replace(/[^0-9A-Za-z_.-]/g, '-');
  if (name.length <= 64) return name;
  return `${name.slice(0, 47)}-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

/** `timeZone`: the platform's, for cron triggers that name none (Spinnaker's default unless set). */
export function cronSchedules(pipeline: Pipeline, timeZone: string = DEFAULT_TIME_ZONE): { schedules: CronSchedule[]; problems: string[] } {
  const schedules: CronSchedule[] = [];
  const problems: string[] = [];
  pipeline.triggers.forEach((trigger, index) => {
    if (trigger.type !== 'cron' || trigger.enabled === false) return;
    const t = trigger as TriggerConfig & { cronExpression?: unknown; timeZone?: unknown; cronTimeZone?: unknown };
    const triggerId = cronTriggerId(trigger, index);
    const where = `${pipeline.application}/${pipeline.name} triggers[${index}]`;
    if (typeof t.cronExpression !== 'string') {
      problems.push(`${where}: cronExpression is required`);
      return;
    }
    const zone = typeof t.timeZone === 'string' ? t.timeZone : typeof t.cronTimeZone === 'string' ? t.cronTimeZone : timeZone;
    const translated = quartzToScheduler(t.cronExpression, zone);
    if (!translated.expression) {
      problems.push(...translated.errors.map((e) => `${where}: ${e}`));
      return;
    }
    schedules.push({
      name: scheduleName(pipeline.application, pipeline.id, triggerId),
      expression: translated.expression,
      timezone: translated.timezone,
      input: { application: pipeline.application, pipelineId: pipeline.id, triggerId, scheduledTime: '<aws.scheduler.scheduled-time>' },
      description: `${pipeline.application}/${pipeline.name}: ${t.cronExpression} (${translated.timezone})`,
      warnings: translated.warnings,
    });
  });
  return { schedules, problems };
}
