/**
 * One factory per AWS service, each a separate function so a Lambda bundle includes only the SDK
 * clients its code calls (esbuild drops the rest; the EC2 client alone is 550 KB minified).
 * Import them by name (`dynamoClient`, `ec2Client`...) from aws-clients.ts: a namespace object
 * would defeat that.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { cached, type ClientOptions } from './client-cache.js';

export function dynamoClient(o: ClientOptions = {}) {
  return cached('ddb-doc', o, (c) => DynamoDBDocumentClient.from(new DynamoDBClient(c), { marshallOptions: { removeUndefinedValues: true } }));
}

export function sfnClient(o: ClientOptions = {}) {
  return cached('sfn', o, (c) => new SFNClient(c));
}

export function snsClient(o: ClientOptions = {}) {
  return cached('sns', o, (c) => new SNSClient(c));
}

export function ec2Client(o: ClientOptions = {}) {
  return cached('ec2', o, (c) => new EC2Client(c));
}

export function autoScalingClient(o: ClientOptions = {}) {
  return cached('asg', o, (c) => new AutoScalingClient(c));
}

export function applicationAutoScalingClient(o: ClientOptions = {}) {
  return cached('application-autoscaling', o, (c) => new ApplicationAutoScalingClient(c));
}

export function elbv2Client(o: ClientOptions = {}) {
  return cached('elbv2', o, (c) => new ElasticLoadBalancingV2Client(c));
}

export function lambdaClient(o: ClientOptions = {}) {
  return cached('lambda', o, (c) => new LambdaClient(c));
}

export function stsClient(o: ClientOptions = {}) {
  return cached('sts', o, (c) => new STSClient(c));
}

export function cloudwatchClient(o: ClientOptions = {}) {
  return cached('cloudwatch', o, (c) => new CloudWatchClient(c));
}

export function ecsClient(o: ClientOptions = {}) {
  return cached('ecs', o, (c) => new ECSClient(c));
}

export function secretsManagerClient(o: ClientOptions = {}) {
  return cached('secretsmanager', o, (c) => new SecretsManagerClient(c));
}

/** Path-style addressing against an endpoint (moto in tests and local mode): bucket host names do not resolve there. */
export function s3Client(o: ClientOptions = {}) {
  return cached('s3', o, (c) => new S3Client({ ...c, ...(c.endpoint ? { forcePathStyle: true } : {}) }));
}
