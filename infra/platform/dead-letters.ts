/**
 * Where asynchronous invocations that exhausted their retries end up: EventBridge deliveries that
 * Lambda kept failing, and events EventBridge itself could not deliver. One queue for the platform,
 * alarmed on (alarms.ts), so nothing fails silently.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export class DeadLetterQueue extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to look at a failure and redrive it.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the platform Lambdas and EventBridge targets; a queue behind it would only move the problem.',
    });
  }
}
