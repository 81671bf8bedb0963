/**
 * Notifications: one SNS topic, with message attributes (application, pipeline, event) that
 * subscribers filter on. Local mode and tests use the log notifier, which keeps the messages.
 *
 * A pipeline's and a stage's own `notifications` settings (Spinnaker's
 * `[{type, address, level, when: ['pipeline.failed', ...]}]`) add one more message per setting
 * whose `when` lists the event, with `channel` and `address` attributes for subscription filters.
 * Where those settings come from is the caller's choice (a `NotificationTargetResolver`).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { snsClient } from './sdk-clients/sns.js';

type NotificationEventType =
  'pipeline.starting' | 'pipeline.complete' | 'pipeline.failed' | 'stage.starting' | 'stage.complete' | 'stage.failed' | 'manualJudgment';

export interface NotificationEvent {
  readonly event: NotificationEventType;
  readonly application: string;
  readonly pipeline: string;
  readonly executionId: string;
  readonly stage?: { readonly refId: string; readonly name: string; readonly type: string };
  /** One line: what happened and where. */
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

export interface Notifier {
  publish(event: NotificationEvent): Promise<void>;
}

/** A configured notification that asked for an event. */
export interface NotificationTarget {
  /** Spinnaker's notification `type`: email, slack, sms, ... (the `channel` attribute). */
  readonly type: string;
  readonly address?: string;
  readonly level: 'pipeline' | 'stage';
  /** A custom text the setting gave for this event (`message: {"pipeline.failed": {text}}`). */
  readonly text?: string;
}

/** A notification setting as written in the pipeline (Spinnaker's shape, loosely). */
export interface NotificationSetting {
  readonly type: string;
  readonly address?: string;
  readonly level?: string;
  readonly when?: readonly string[];
  readonly message?: Readonly<Record<string, unknown>>;
}

/** Finds the settings that want an event (e.g. from the pipeline registry). */
export type NotificationTargetResolver = (event: NotificationEvent) => Promise<readonly NotificationTarget[]>;

/** The `when` names an event answers to; a judged manual judgment also answers to manualJudgmentContinue/Stop. */
export function whenNames(event: NotificationEvent): string[] {
  const names: string[] = [event.event];
  if (event.stage?.type === 'manualJudgment') {
    if (event.event === 'stage.complete') names.push('manualJudgmentContinue');
    if (event.event === 'stage.failed') names.push('manualJudgmentStop');
  }
  return names;
}

/** Pure: pipeline settings answer pipeline events, a stage's settings answer that stage's events. */
export function notificationTargets(
  event: NotificationEvent,
  settings: { readonly pipeline?: readonly NotificationSetting[]; readonly stage?: readonly NotificationSetting[] },
): NotificationTarget[] {
  const level = event.stage ? 'stage' : 'pipeline';
  const names = whenNames(event);
  const candidates = (level === 'stage' ? settings.stage : settings.pipeline) ?? [];
  const targets: NotificationTarget[] = [];
  for (const setting of candidates) {
    const when = setting.when ?? [];
    const asked = names.find((n) => when.includes(n));
    if (!asked || !setting.type) continue;
    const custom = (setting.message?.[asked] as { text?: unknown } | undefined)?.text;
    targets.push({
      type: setting.type,
      ...(setting.address ? { address: setting.address } : {}),
      level,
      ...(typeof custom === 'string' && custom.length > 0 ? { text: custom } : {}),
    });
  }
  return targets;
}

/** What a person reads: what happened, where, and the link to the execution. */
export function notificationText(event: NotificationEvent, target?: NotificationTarget): string {
  const where = [`application ${event.application}`, `pipeline ${event.pipeline}`];
  if (event.stage) where.push(`stage '${event.stage.name}' (${event.stage.type})`);
  return [
    ...(target?.text ? [target.text] : []),
    event.summary,
    `Where: ${where.join(', ')}; execution ${event.executionId}`,
    `Details: ${executionLink(event.executionId)}`,
  ].join('\n');
}

/** Link to the execution in the console (or local mode's record), for humans reading the message. */
export function executionLink(executionId: string): string {
  const base = process.env.GENNAKER_CONSOLE_URL;
  return base ? `${base.replace(/\/$/, '')}/executions/${encodeURIComponent(executionId)}` : `gennaker executions show ${executionId}`;
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly topicArn: string,
    private readonly sns: SNSClient = snsClient(),
    /** The pipeline's and stages' own settings; each wanted one gets its own message. */
    private readonly targets?: NotificationTargetResolver,
  ) {}

  async publish(event: NotificationEvent): Promise<void> {
    const subject = `[Gennaker] ${event.application}/${event.pipeline}: ${event.event}`.slice(0, 99);
    const attributes = {
      application: { DataType: 'String', StringValue: event.application },
      pipeline: { DataType: 'String', StringValue: event.pipeline },
      event: { DataType: 'String', StringValue: event.event },
    };
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: JSON.stringify({ ...event, link: executionLink(event.executionId), text: notificationText(event) }),
        MessageAttributes: attributes,
      }),
    );
    for (const target of (await this.targets?.(event)) ?? []) {
      await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: subject,
          Message: notificationText(event, target),
          MessageAttributes: {
            ...attributes,
            channel: { DataType: 'String', StringValue: target.type },
            ...(target.address ? { address: { DataType: 'String', StringValue: target.address } } : {}),
          },
        }),
      );
    }
  }
}

export class MemoryNotifier implements Notifier {
  readonly events: NotificationEvent[] = [];
  /** The addressed copies the configured settings asked for. */
  readonly deliveries: Array<{ readonly event: NotificationEvent; readonly target: NotificationTarget }> = [];
  constructor(
    private readonly echo?: (event: NotificationEvent) => void,
    private readonly targets?: NotificationTargetResolver,
  ) {}
  async publish(event: NotificationEvent): Promise<void> {
    this.events.push(event);
    this.echo?.(event);
    for (const target of (await this.targets?.(event)) ?? []) this.deliveries.push({ event, target });
  }
}

/** The notifier for this environment: SNS when a topic is configured, else in memory. */
export function defaultNotifier(targets?: NotificationTargetResolver): Notifier {
  const topic = process.env.GENNAKER_TOPIC_ARN;
  return topic ? new SnsNotifier(topic, snsClient(), targets) : new MemoryNotifier(undefined, targets);
}
