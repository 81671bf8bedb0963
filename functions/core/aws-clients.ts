/**
 * The one place AWS SDK clients are created. Every client honours AWS_ENDPOINT_URL, so the same
 * code talks to moto_server in tests and local mode and to AWS in production. Clients are cached
 * per (service, region, credentials key) because Lambda reuses them across invocations.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

export interface ClientOptions {
  readonly region?: string;
  /** Fixed credentials, or a provider the SDK calls (and refreshes by `expiration`), e.g. for an assumed role. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Distinguishes cached clients that use different assumed-role credentials. */
  readonly credentialsKey?: string;
}

export interface BaseClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
}

export function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

export function clientConfig(options: ClientOptions = {}): BaseClientConfig {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  return {
    region: options.region ?? defaultRegion(),
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The SDK's standard retry mode backs off with jitter on throttling and transient errors.
    maxAttempts: Number(process.env.GENNAKER_AWS_MAX_ATTEMPTS ?? 5),
  };
}

const cache = new Map<string, unknown>();

function cached<T>(service: string, options: ClientOptions, make: (config: BaseClientConfig) => T): T {
  const config = clientConfig(options);
  const key = `${service}|${config.region}|${config.endpoint ?? ''}|${options.credentialsKey ?? ''}`;
  let client = cache.get(key) as T | undefined;
  if (!client) {
    client = make(config);
    cache.set(key, client);
  }
  return client;
}

/** Forgets cached clients, e.g. after a test changed AWS_ENDPOINT_URL. */
export function resetClientCache(): void {
  cache.clear();
}

export const awsClients = {
  dynamo: (o: ClientOptions = {}) =>
    cached('ddb-doc', o, (c) =>
      DynamoDBDocumentClient.from(new DynamoDBClient(c), { marshallOptions: { removeUndefinedValues: true } }),
    ),
  sfn: (o: ClientOptions = {}) => cached('sfn', o, (c) => new SFNClient(c)),
  sns: (o: ClientOptions = {}) => cached('sns', o, (c) => new SNSClient(c)),
  ec2: (o: ClientOptions = {}) => cached('ec2', o, (c) => new EC2Client(c)),
  autoScaling: (o: ClientOptions = {}) => cached('asg', o, (c) => new AutoScalingClient(c)),
  elbv2: (o: ClientOptions = {}) => cached('elbv2', o, (c) => new ElasticLoadBalancingV2Client(c)),
  sts: (o: ClientOptions = {}) => cached('sts', o, (c) => new STSClient(c)),
  cloudwatch: (o: ClientOptions = {}) => cached('cloudwatch', o, (c) => new CloudWatchClient(c)),
  ecs: (o: ClientOptions = {}) => cached('ecs', o, (c) => new ECSClient(c)),
  secretsManager: (o: ClientOptions = {}) => cached('secretsmanager', o, (c) => new SecretsManagerClient(c)),
};
export type AwsClients = typeof awsClients;
