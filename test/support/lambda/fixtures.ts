/**
 * What a Lambda deploy needs to exist in the emulator (an execution role, code packages in S3, a
 * queue to map), made over moto's HTTP APIs (no IAM/S3/SQS SDK clients are dependencies), and a
 * snapshot of the functions that the crash tests compare.
 */
import { ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../../../functions/core/aws-clients.js';
import { describeFunction, provisionedConcurrency } from '../../../functions/core/cloud/lambda/index.js';

export const ACCOUNT_ID = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/app-lambda`;
export const BUCKET = 'app-artifacts';

function endpoint(): string {
  const url = process.env.AWS_ENDPOINT_URL;
  if (!url) throw new Error('AWS_ENDPOINT_URL is not set (use useLocalAws())');
  return url;
}

async function query(service: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes query-protocol calls by the signing service in the Authorization header.
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20300101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`,
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action}: HTTP ${response.status} ${text}`);
  return text;
}

export async function createRole(name = 'app-lambda'): Promise<string> {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  await query('iam', { Action: 'CreateRole', Version: '2010-05-08', RoleName: name, AssumeRolePolicyDocument: policy });
  return `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;
}

/** Puts a code package (any bytes: moto hashes them as Lambda hashes a zip). */
export async function putCode(key: string, content: string, bucket = BUCKET): Promise<void> {
  await fetch(`${endpoint()}/${bucket}`, { method: 'PUT' });
  const response = await fetch(`${endpoint()}/${bucket}/${key}`, { method: 'PUT', body: content });
  if (!response.ok) throw new Error(`put s3://${bucket}/${key}: HTTP ${response.status}`);
}

export async function createQueue(name: string): Promise<string> {
  await query('sqs', { Action: 'CreateQueue', QueueName: name });
  return `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:${name}`;
}

/** The role and two code packages (v1.zip, v2.zip) most tests start from. */
export async function lambdaWorld(): Promise<void> {
  await createRole();
  await putCode('app/v1.zip', 'code version 1');
  await putCode('app/v2.zip', 'code version 2');
}

/** The plugin's deploy stage as Deck writes it (Scenario 1 of the plugin's tests), for application `test`. */
export function deployStage(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    refId: '1',
    name: 'AWS Lambda Deployment',
    type: 'Aws.LambdaDeploymentStage',
    cloudProvider: 'aws',
    account: '',
    credentials: '',
    region: 'us-east-1',
    functionUid: 'fn',
    stackName: 'prod',
    detailName: '',
    functionName: 'test-prod-fn',
    aliases: ['live'],
    description: 'first',
    envVariables: { STAGE: 'prod' },
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    role: ROLE_ARN,
    memorySize: 128,
    timeout: 3,
    publish: true,
    s3bucket: BUCKET,
    s3key: 'app/v1.zip',
    tags: { team: 'payments' },
    subnetIds: [],
    securityGroupIds: [],
    deadLetterConfig: { targetArn: '' },
    tracingConfig: { mode: 'PassThrough' },
    KMSKeyArn: '',
    kmskeyArn: '',
    vpcId: '',
    targetGroups: '',
    operation: '',
    ...extra,
  };
}

export function functionsClient(): LambdaClient {
  return lambdaClient({ region: 'us-east-1' });
}

export interface FunctionsWorld {
  readonly [name: string]: {
    readonly config: Record<string, unknown>;
    readonly tags: Record<string, string>;
    readonly reserved?: number;
    readonly versions: { version: number; codeSha256: string }[];
    readonly aliases: { name: string; version: string; weights: Record<string, number>; provisioned?: number }[];
    readonly mappings: string[];
  };
}

/** Every function as the crash tests compare it (ids and times left out). */
export async function functionsWorld(lambda = functionsClient()): Promise<FunctionsWorld> {
  const listed = await lambda.send(new ListFunctionsCommand({}));
  const world: Record<string, FunctionsWorld[string]> = {};
  for (const f of listed.Functions ?? []) {
    const view = (await describeFunction(lambda, f.FunctionName!))!;
    const c = view.configuration;
    world[view.name] = {
      config: {
        Runtime: c.Runtime,
        Handler: c.Handler,
        Role: c.Role,
        MemorySize: c.MemorySize,
        Timeout: c.Timeout,
        Description: c.Description,
        Environment: c.Environment?.Variables ?? {},
        CodeSha256: c.CodeSha256,
      },
      tags: view.tags,
      ...(view.reservedConcurrency !== undefined ? { reserved: view.reservedConcurrency } : {}),
      versions: view.versions.map((v) => ({ version: v.version, codeSha256: v.codeSha256 })),
      aliases: (
        await Promise.all(
          view.aliases.map(async (a) => {
            const provisioned = await provisionedConcurrency(lambda, view.name, a.name);
            return { name: a.name, version: a.functionVersion, weights: a.additionalWeights, ...(provisioned ? { provisioned: provisioned.requested } : {}) };
          }),
        )
      ).sort((a, b) => a.name.localeCompare(b.name)),
      mappings: view.eventMappings.map((m) => m.eventSourceArn).sort(),
    };
  }
  return world;
}

/** test-prod-fn with versions 1..n (each a different code package), alias `live` on version 1 (the first deploy's; later deploys leave it to routing). */
export async function publishedVersions(n: number, run: (raw: Record<string, unknown>, options: { executionId: string }) => Promise<unknown>): Promise<void> {
  for (let i = 1; i <= n; i += 1) {
    await putCode(`app/build-${i}.zip`, `build ${i}`);
    await run({ stages: [deployStage({ s3key: `app/build-${i}.zip` })] }, { executionId: `exec-build-${i}` });
  }
}

/** A traffic routing stage as Deck writes it. */
export function routeStage(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    refId: '1',
    name: 'Route',
    type: 'Aws.LambdaTrafficRoutingStage',
    cloudProvider: 'aws',
    account: '',
    region: 'us-east-1',
    functionName: 'test-prod-fn',
    aliasName: 'live',
    ...extra,
  };
}
