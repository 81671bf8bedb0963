/**
 * Notifications: one SNS topic, with message attributes (application, pipeline, event) that
 * subscribers filter on. Local mode and tests use the log notifier, which keeps the messages.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { awsClients } from './aws-clients.js';

export type NotificationEventType =
  | 'pipeline.starting'
  | 'pipeline.complete'
  | 'pipeline.failed'
  | 'stage.starting'
  | 'stage.complete'
  | 'stage.failed'
  | 'manualJudgment';

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

/** Link to the execution in the console (or local mode's record), for humans reading the message. */
export function executionLink(executionId: string): string {
  const base = process.env.GENNAKER_CONSOLE_URL;
  return base ? `${base.replace(/\/$/, '')}/executions/${encodeURIComponent(executionId)}` : `gennaker executions show ${executionId}`;
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly topicArn: string,
    private readonly sns: SNSClient = awsClients.sns(),
  ) {}

  async publish(event: NotificationEvent): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `[Gennaker] ${event.application}/${event.pipeline}: ${event.event}`.slice(0, 99),
        Message: JSON.stringify({ ...event, link: executionLink(event.executionId) }),
        MessageAttributes: {
          application: { DataType: 'String', StringValue: event.application },
          pipeline: { DataType: 'String', StringValue: event.pipeline },
          event: { DataType: 'String', StringValue: event.event },
        },
      }),
    );
  }
}

export class MemoryNotifier implements Notifier {
  readonly events: NotificationEvent[] = [];
  constructor(private readonly echo?: (event: NotificationEvent) => void) {}
  async publish(event: NotificationEvent): Promise<void> {
    this.events.push(event);
    this.echo?.(event);
  }
}

/** The notifier for this environment: SNS when a topic is configured, else in memory. */
export function defaultNotifier(): Notifier {
  const topic = process.env.GENNAKER_TOPIC_ARN;
  return topic ? new SnsNotifier(topic) : new MemoryNotifier();
}
