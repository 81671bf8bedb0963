/**
 * The notification topic: SNS encrypted with a key of our own (rotated), so that subscribers such
 * as SQS queues and other AWS services can be granted use of it, which the AWS managed key forbids.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class NotificationTopic extends Construct {
  readonly key: Key;
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { readonly removalPolicy?: RemovalPolicy } = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts Gennaker pipeline notifications',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Gennaker pipeline notifications',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}
