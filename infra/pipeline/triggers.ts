/**
 * A pipeline's triggers, wired to what fires them. Cron triggers become EventBridge Scheduler
 * schedules invoking the cron trigger handler (schedules as functions/triggers/cron/schedules.ts
 * describes them); pubsub triggers naming an SNS topic by ARN subscribe the pubsub handler to it
 * (platform/pubsub.ts); other types are matched at run time by their trigger handler (webhooks, events).
 * A trigger whose handler this platform lacks is a synth warning rather than a silent never (types
 * and settings no handler fires at all are validate's warnings, from the same trigger-type table).
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
import { triggerHandlerFor, isHandledPubsubSystem } from '../../state-machines/triggers/trigger-types.js';
import type { Platform } from '../platform/platform.js';
import { filterPolicyFor, isTopicArn } from '../platform/pubsub.js';
import { textOf } from '../../state-machines/model/problems.js';

export function wireTriggers(scope: Construct, platform: Platform, pipeline: PipelineModel, source: string): void {
  pipeline.triggers.forEach((trigger, index) => {
    if (trigger.enabled === false) return;
    const kind = triggerHandlerFor(trigger.type);
    // Types nothing fires were reported by validate (state-machines/triggers/trigger-types.ts).
    if (kind === undefined || kind === 'manual') return;
    if (!platform.triggerFunction(kind)) {
      Annotations.of(scope).addWarningV2(
        `gennaker:trigger-not-wired:${index}`,
        `$.triggers[${index}]: no handler on this platform fires '${trigger.type}' triggers; this trigger will not start the pipeline`,
      );
      return;
    }
    if (kind === 'pubsub') wirePubsubTrigger(scope, platform, trigger, index);
  });
  const cron = platform.triggerFunction('cron');
  if (!cron) return;
  const { schedules, problems } = cronSchedules(pipeline, platform.timeZone);
  if (problems.length > 0)
    throw new PipelineDefinitionError(
      source,
      problems.map((message) => ({ path: '$.triggers', message })),
    );
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
 * Subscribes the pubsub handler to the topic the trigger names (`subscriptionName` or `topic`, as
 * functions/triggers/pubsub/normalize.ts matches it) when that is a topic ARN. A bare name or an
 * expression leaves no topic to subscribe to: a warning says so.
 */
function wirePubsubTrigger(scope: Construct, platform: Platform, trigger: PipelineModel['triggers'][number], index: number): void {
  const c = trigger as typeof trigger & { pubsubSystem?: unknown; subscriptionName?: unknown; topic?: unknown; attributeConstraints?: unknown };
  const warn = (message: string) =>
    Annotations.of(scope).addWarningV2(`gennaker:pubsub-not-wired:${index}`, `$.triggers[${index}]: ${message}; this trigger will not start the pipeline`);
  const topic = c.subscriptionName ?? c.topic;
  // Another system, or no topic at all: validate warned already (the trigger-type table).
  if (!isHandledPubsubSystem(c.pubsubSystem) || topic === undefined) return;
  if (!isTopicArn(topic)) {
    warn(`'${textOf(topic)}' is not an SNS topic ARN, so no subscription can be made: name the topic by its ARN (arn:aws:sns:<region>:<account>:<name>)`);
    return;
  }
  platform.subscribeToTopic(topic, filterPolicyFor(c.attributeConstraints));
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
