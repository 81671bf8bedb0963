/**
 * A pipeline's triggers, wired to what fires them. Cron triggers become EventBridge Scheduler
 * schedules invoking the cron trigger handler (schedules as functions/triggers/cron/schedules.ts
 * describes them); other types are matched at run time by their trigger handler (webhooks, events).
 * A trigger nothing on this platform fires is a synth warning rather than a silent never.
 */
import { Annotations, Duration, TimeZone } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { cronSchedules } from '../../functions/triggers/cron/schedules.js';
import type { Pipeline as PipelineModel } from '../../state-machines/index.js';
import { PipelineDefinitionError } from '../errors.js';
import { MANUAL_TRIGGER_TYPES, TRIGGER_HANDLERS, type TriggerKind } from '../platform/catalog.js';
import type { Platform } from '../platform/platform.js';

function handlerKindFor(type: string): TriggerKind | undefined {
  return (Object.keys(TRIGGER_HANDLERS) as TriggerKind[]).find((kind) => (TRIGGER_HANDLERS[kind].fires as readonly string[]).includes(type));
}

export function wireTriggers(scope: Construct, platform: Platform, pipeline: PipelineModel, source: string): void {
  pipeline.triggers.forEach((trigger, index) => {
    if (trigger.enabled === false || MANUAL_TRIGGER_TYPES.includes(trigger.type)) return;
    const kind = handlerKindFor(trigger.type);
    if (!kind || !platform.triggerFunction(kind)) {
      Annotations.of(scope).addWarningV2(
        `gennaker:trigger-not-wired:${index}`,
        `$.triggers[${index}]: no handler on this platform fires '${trigger.type}' triggers; this trigger will not start the pipeline`,
      );
    }
  });
  const cron = platform.triggerFunction('cron');
  if (!cron) return;
  const { schedules, problems } = cronSchedules(pipeline);
  if (problems.length > 0) throw new PipelineDefinitionError(source, problems.map((message) => ({ path: '$.triggers', message })));
  for (const schedule of schedules) {
    new Schedule(scope, `Schedule-${schedule.name}`, {
      scheduleName: schedule.name,
      description: schedule.description.slice(0, 512),
      schedule: ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timezone)),
      target: new InvokeUnqualified(cron.function, {
        input: ScheduleTargetInput.fromObject(schedule.input),
        deadLetterQueue: platform.deadLetters.queue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}

/**
 * LambdaInvoke's role may invoke every version and alias of the function (`arn:*`); a schedule
 * invokes the unqualified function, so its role gets exactly that ARN.
 */
class InvokeUnqualified extends LambdaInvoke {
  private readonly target: IFunction;

  constructor(target: IFunction, props: ScheduleTargetBaseProps) {
    super(target, props);
    this.target = target;
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }));
  }
}
