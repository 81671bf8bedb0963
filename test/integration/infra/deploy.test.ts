/**
 * `cdk deploy` of the app into moto_server with the pinned CDK CLI, then proof through each
 * service's own API that what was deployed is what the app declares, and that a state machine
 * definition taken back from the emulator runs end to end in the local runtime.
 *
 * moto's CloudFormation drops some properties (architecture, tracing, DLQ and logging of a Lambda;
 * logging, tracing and type of a state machine; TTL and PITR of a table) and skips resource types
 * it lacks (alarms, SNS topic and SQS queue policies, SNS subscriptions, schedules, API Gateway v2,
 * event invoke configs): those are checked in the very templates that were deployed instead, each
 * place saying so.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignature256 } from '../../../functions/triggers/signatures.js';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { TABLES, type TableKey } from '../../../functions/core/tables.js';
import { REPO_ROOT } from '../../../infra/paths.js';
import { loadPipeline } from '../../../infra/pipeline/definition.js';
import { API_HANDLER, STAGE_HANDLERS } from '../../../infra/platform/catalog.js';
import { platformOutputs } from '../../../infra/stacks/platform-stack.js';
import { LocalRuntime } from '../../../local/runtime.js';
import { type MotoServer, startMoto } from '../../../local/moto.js';
import { compilePipeline, type AslMachine, type FunctionFamily } from '../../../state-machines/index.js';
import { cdk, EMULATOR_ACCOUNT, EMULATOR_REGION, emulatorEnv } from './cdk-cli.js';
import { EVENTS } from '../../support/fixtures.js';

const FIXTURES = join(REPO_ROOT, 'test', 'integration', 'infra', 'fixtures', 'pipelines');
const PIPELINE_FILES = { release: join(FIXTURES, 'release.yml'), deploy: join(FIXTURES, 'deploy.json') };
const STACK = 'Gennaker';
/** The topic deploy.json's pubsub trigger names: someone else's topic, so it is made before the deploy (as in AWS). */
const RELEASES_TOPIC = 'gennaker-deploy-test-releases';
/** The webhook secret the deployed platform is pointed at (`-c gennaker:webhookSecret=`), made before the deploy. */
const WEBHOOK_SECRET_NAME = 'gennaker/deploy-test-webhooks';
const GITHUB_SECRET = 'deploy-test-github-signing-secret';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
type Outputs = Record<string, Record<string, string>>;

let moto: MotoServer;
let work: string;
let outputs: Outputs;
const templates = new Map<string, Template>();
let assemblyDir: string;
const timings: Record<string, number> = {};

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[label] = Date.now() - started;
  }
}

function platformOutput(name: string): string {
  const value = outputs[STACK]?.[name];
  if (!value) throw new Error(`no output ${name} in ${JSON.stringify(outputs[STACK])}`);
  return value;
}

function resourcesOf(stack: string, type: string): Array<{ id: string; properties: Record<string, unknown> }> {
  const template = templates.get(stack);
  if (!template) throw new Error(`no template for ${stack}`);
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => ({ id, properties: r.Properties ?? {} }));
}

/** SDK client settings for the emulator, without touching process.env. */
const emulator = () => ({ endpoint: moto.endpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

const deployedFamilies = (): FunctionFamily[] =>
  (Object.keys(STAGE_HANDLERS) as FunctionFamily[]).filter((f) => outputs[STACK]?.[platformOutputs.stageFunction(f)] !== undefined);

beforeAll(async () => {
  moto = await startMoto({ lambdaWithoutContainers: false });
  work = mkdtempSync(join(tmpdir(), 'gennaker-deploy-'));
  const sns = new SNSClient(emulator());
  await sns.send(new CreateTopicCommand({ Name: RELEASES_TOPIC }));
  sns.destroy();
  const secrets = new SecretsManagerClient(emulator());
  await secrets.send(new CreateSecretCommand({ Name: WEBHOOK_SECRET_NAME, SecretString: JSON.stringify({ github: GITHUB_SECRET }) }));
  secrets.destroy();
  const env = emulatorEnv(moto.endpoint);
  const assembly = join(work, 'cdk.out');
  assemblyDir = assembly;
  // Synth (bundling) and bootstrap (the emulator's asset bucket and roles) do not depend on each other.
  await Promise.all([
    timed('synth', () =>
      cdk(
        [
          'synth',
          '--quiet',
          '-c',
          'gennaker:target=emulator',
          '-c',
          `gennaker:pipelines=${FIXTURES}`,
          '-c',
          `gennaker:webhookSecret=${WEBHOOK_SECRET_NAME}`,
          '--output',
          assembly,
        ],
        { cwd: REPO_ROOT, env },
      ),
    ),
    // From an empty folder: with no cdk.json there, bootstrap does not synthesize the app again.
    timed('bootstrap', () => cdk(['bootstrap', `aws://${EMULATOR_ACCOUNT}/${EMULATOR_REGION}`], { cwd: work, env })),
  ]);
  const outputsFile = join(work, 'outputs.json');
  await timed('deploy', () =>
    cdk(['deploy', '--all', '--app', assembly, '--require-approval', 'never', '--method=direct', '--outputs-file', outputsFile], { cwd: work, env }),
  );
  outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Outputs;
  for (const stack of Object.keys(outputs)) {
    templates.set(stack, JSON.parse(readFileSync(join(assembly, `${stack}.template.json`), 'utf8')) as Template);
  }
  console.info(`deploy test timings (ms): ${JSON.stringify(timings)}`);
}, 600_000);

afterAll(async () => {
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('cdk deploy into the emulator', () => {
  it('deploys the platform and one stack per pipeline file', () => {
    expect(Object.keys(outputs).sort()).toEqual([STACK, `${STACK}-deploy`, `${STACK}-release`]);
  });

  it('creates every table with its keys, indexes, billing and encryption (DynamoDB DescribeTable)', async () => {
    const dynamo = new DynamoDBClient(emulator());
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const spec = TABLES[key];
      const { Table: table } = await dynamo.send(new DescribeTableCommand({ TableName: platformOutput(platformOutputs.table(key)) }));
      expect(table?.KeySchema).toEqual([
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
      ]);
      expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect((table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema?.map((k) => k.AttributeName)])).toEqual(
        spec.indexes.map((i) => [i.name, [i.partitionKey, i.sortKey]]),
      );
    }
    // Emulator gap: TTL, point-in-time recovery and encryption set by CloudFormation are not reproduced
    // (moto reads SSESpecification.Enabled, CloudFormation writes SSEEnabled); the deployed template has them.
    for (const { properties } of resourcesOf(STACK, 'AWS::DynamoDB::Table')) {
      expect(properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    dynamo.destroy();
  });

  it('creates one function per stage family handler with its runtime, code and environment (Lambda GetFunction)', async () => {
    const lambda = new LambdaClient(emulator());
    const families = deployedFamilies();
    expect(families).toEqual(expect.arrayContaining(['engine', 'flow']));
    for (const family of families) {
      const out = await lambda.send(new GetFunctionCommand({ FunctionName: platformOutput(platformOutputs.stageFunction(family)) }));
      const config = out.Configuration;
      expect(config?.Runtime).toBe('nodejs22.x');
      expect(config?.Handler).toBe('index.handler');
      expect(config?.CodeSize).toBeGreaterThan(10_000);
      expect(config?.Role).toMatch(/^arn:aws:iam::123456789012:role\//);
      const vars = config?.Environment?.Variables ?? {};
      for (const key of Object.keys(TABLES) as TableKey[]) expect(vars[TABLES[key].envVar]).toBe(platformOutput(platformOutputs.table(key)));
      expect(vars.GENNAKER_TOPIC_ARN).toBe(platformOutput(platformOutputs.topic));
      expect(vars.POWERTOOLS_SERVICE_NAME).toBe('gennaker');
    }
    // The flow function may start exactly the child pipeline the release pipeline names.
    const flow = await lambda.send(new GetFunctionCommand({ FunctionName: platformOutput(platformOutputs.stageFunction('flow')) }));
    expect(JSON.parse(flow.Configuration?.Environment?.Variables?.GENNAKER_STATE_MACHINES ?? '{}')).toEqual({
      'shop/deploy': outputs[`${STACK}-deploy`]?.StateMachineArn,
    });
    // Emulator gap: architecture, tracing and the dead-letter queue are dropped by moto's CloudFormation.
    for (const { properties } of resourcesOf(STACK, 'AWS::Lambda::Function')) {
      expect(properties).toMatchObject({ Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, DeadLetterConfig: expect.any(Object) });
    }
    lambda.destroy();
  });

  it('creates every log group with its retention (CloudWatch Logs DescribeLogGroups)', async () => {
    const logs = new CloudWatchLogsClient(emulator());
    const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({}));
    const declared = [...templates.keys()].flatMap((stack) => resourcesOf(stack, 'AWS::Logs::LogGroup').map((g) => ({ stack, ...g })));
    // At least one per function and one per state machine (the HTTP API's access logs too, when there is one).
    const functions = resourcesOf(STACK, 'AWS::Lambda::Function').length;
    expect(declared.length).toBeGreaterThanOrEqual(functions + Object.keys(PIPELINE_FILES).length);
    for (const group of declared) {
      const deployed = logGroups.find((g) => g.logGroupName?.startsWith(`${group.stack}-${group.id}`));
      expect(deployed?.retentionInDays, `${group.stack}/${group.id}`).toBe(90);
    }
    logs.destroy();
  });

  it('creates the encrypted notification topic (SNS GetTopicAttributes)', async () => {
    const sns = new SNSClient(emulator());
    const { Attributes: attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: platformOutput(platformOutputs.topic) }));
    expect(attributes?.KmsMasterKeyId).toBeTruthy();
    expect(attributes?.DisplayName).toBe('Gennaker pipeline notifications');
    sns.destroy();
  });

  it('deploys the API handler with the trigger environment; its routes require IAM (template: moto skips API Gateway v2)', async () => {
    const lambda = new LambdaClient(emulator());
    const functions = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }));
      functions.push(...(page.Functions ?? []));
      marker = page.NextMarker;
    } while (marker);
    const api = functions.find((f) => f.FunctionName?.includes('ApiHandler'));
    expect(api, functions.map((f) => f.FunctionName).join(', ')).toBeDefined();
    const vars = api?.Environment?.Variables ?? {};
    expect(vars.GENNAKER_EVENT_BUS).toBe('default');
    expect(JSON.parse(vars.GENNAKER_STATE_MACHINES ?? '{}')).toMatchObject({
      'shop/deploy': outputs[`${STACK}-deploy`]?.StateMachineArn,
      'shop/release': outputs[`${STACK}-release`]?.StateMachineArn,
    });
    lambda.destroy();
    // Emulator gap: AWS::ApiGatewayV2::* are skipped by moto's CloudFormation; the deployed template has the routes.
    const routes = resourcesOf(STACK, 'AWS::ApiGatewayV2::Route').map((r) => r.properties as { RouteKey: string; AuthorizationType: string });
    for (const route of API_HANDLER.routes) {
      expect(routes.find((r) => r.RouteKey === `${route.method} ${route.path}`)?.AuthorizationType, route.path).toBe('AWS_IAM');
    }
  });

  it('subscribes the pubsub handler to the topic a pipeline trigger names, with its filter policy (template; SNS when moto has it)', async () => {
    const topicArn = `arn:aws:sns:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:${RELEASES_TOPIC}`;
    // Emulator gap: moto 5.2.1's CloudFormation skips AWS::SNS::Subscription (only a Topic's inline
    // Subscription list is modelled); the deployed template has it, with the Lambda permission for SNS.
    const declared = resourcesOf(STACK, 'AWS::SNS::Subscription').filter((r) => JSON.stringify(r.properties).includes('PlatformPubsubFunction'));
    expect(declared).toHaveLength(1);
    expect(declared[0]?.properties).toMatchObject({
      TopicArn: topicArn,
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [expect.stringMatching(/^PlatformPubsubFunction/), 'Arn'] },
      FilterPolicy: { env: ['prod'] },
      RedrivePolicy: { deadLetterTargetArn: expect.any(Object) },
    });
    expect(
      resourcesOf(STACK, 'AWS::Lambda::Permission').some((p) => p.properties.Principal === 'sns.amazonaws.com' && p.properties.SourceArn === topicArn),
    ).toBe(true);
    // Should a later moto create it, it must be this subscription.
    const sns = new SNSClient(emulator());
    const { Subscriptions: subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    for (const subscription of subscriptions) {
      expect(subscription.Endpoint).toContain('PubsubFunction');
      const { Attributes: attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      expect(JSON.parse(attributes?.FilterPolicy ?? '{}')).toEqual({ env: ['prod'] });
    }
    sns.destroy();
  });

  it('creates the rules the templates declare (EventBridge ListRules)', async () => {
    const events = new EventBridgeClient(emulator());
    const { Rules: rules = [] } = await events.send(new ListRulesCommand({}));
    const declared = [...templates.keys()].flatMap((stack) => resourcesOf(stack, 'AWS::Events::Rule').map((r) => ({ stack, ...r })));
    expect(rules.length).toBe(declared.length);
    for (const rule of declared) {
      const deployed = rules.find((r) => r.Name?.startsWith(`${rule.stack}-${rule.id}`.slice(0, 40)));
      expect(deployed?.State, rule.id).toBe('ENABLED');
      const pattern = JSON.parse(deployed?.EventPattern ?? '{}') as Record<string, unknown>;
      const declaredPattern = rule.properties.EventPattern as Record<string, unknown>;
      expect(pattern.source).toEqual(declaredPattern.source);
      expect(pattern['detail-type']).toEqual(declaredPattern['detail-type']);
      if ((pattern.source as string[])[0] === 'aws.states') {
        // The lifecycle rule matches this platform's state machines by name prefix, resolved at deploy.
        expect(pattern.detail).toMatchObject({ stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:123456789012:stateMachine:gennaker-' }] });
      }
    }
    events.destroy();
  });

  it('creates each pipeline state machine with the function ARNs spliced into its definition (SFN DescribeStateMachine)', async () => {
    const sfn = new SFNClient(emulator());
    const functionArn = (family: FunctionFamily) => platformOutput(platformOutputs.stageFunction(family));
    for (const [name, file] of Object.entries(PIPELINE_FILES)) {
      const arn = outputs[`${STACK}-${name}`]?.StateMachineArn;
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      expect(described.name).toBe(`gennaker-shop-${name}`);
      expect(described.roleArn).toMatch(/^arn:aws:iam::123456789012:role\//);
      // Byte for byte what the compiler makes with the deployed ARNs: no substitutions left to apply.
      expect(JSON.parse(described.definition ?? '')).toEqual(compilePipeline(loadPipeline(file).pipeline, { functionArn }));
    }
    // Emulator gap: type, logging and tracing are dropped by moto's CloudFormation.
    for (const stack of [`${STACK}-release`, `${STACK}-deploy`]) {
      const [machine] = resourcesOf(stack, 'AWS::StepFunctions::StateMachine');
      expect(machine?.properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    }
    sfn.destroy();
  });

  it('runs the deployed release definition end to end in the local runtime against the deployed tables', async () => {
    const sfn = new SFNClient(emulator());
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: outputs[`${STACK}-release`]?.StateMachineArn }));
    sfn.destroy();
    const saved = { ...process.env };
    try {
      Object.assign(process.env, emulatorEnv(moto.endpoint));
      for (const key of Object.keys(TABLES) as TableKey[]) process.env[TABLES[key].envVar] = platformOutput(platformOutputs.table(key));
      resetClientCache();
      const runtime = new LocalRuntime({
        timeScale: 100,
        judge: { kind: 'auto', judgment: 'continue' },
        pipelines: [loadPipeline(PIPELINE_FILES.deploy).pipeline],
      });
      const run = runtime.startDefinition(JSON.parse(described.definition ?? '') as AslMachine, 'deploy-test-release-1', { parameters: { version: '2.0.0' } });
      const result = await run.result;
      expect(result.status).toBe('SUCCEEDED');
      expect(result.execution.stages.map((s) => [s.name, s.status])).toEqual([
        ['Resolve version', 'SUCCEEDED'],
        ['Soak', 'SUCCEEDED'],
        ['Approve', 'SUCCEEDED'],
        ['Deploy', 'SUCCEEDED'],
      ]);
      // The record is in the deployed executions table, the child's too.
      const dynamo = new DynamoDBClient(emulator());
      const child = String(result.execution.stages.find((s) => s.name === 'Deploy')?.outputs?.childExecutionId);
      expect((await runtime.store.getExecution(child))?.status).toBe('SUCCEEDED');
      dynamo.destroy();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      resetClientCache();
    }
  });

  it('lets a signed GitHub delivery to the deployed git function start the pipeline; an unsigned one and a replay with a new delivery id start nothing', async () => {
    // The git function's deployed configuration (moto keeps the environment) and its shipped bundle.
    const lambda = new LambdaClient(emulator());
    const [git] = resourcesOf(STACK, 'AWS::Lambda::Function').filter((f) => f.id.startsWith('PlatformGitFunction'));
    const functions = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    lambda.destroy();
    const deployed = functions.find((f) => f.FunctionName?.includes('GitFunction'));
    const vars = deployed?.Environment?.Variables ?? {};
    expect(vars.GENNAKER_WEBHOOK_SECRETS_ID).toMatch(new RegExp(`:secret:${WEBHOOK_SECRET_NAME}`));
    // The git function may read exactly that secret (the template; moto does not enforce IAM).
    const policies = resourcesOf(STACK, 'AWS::IAM::Policy').filter((p) => p.id.startsWith('PlatformGitRole'));
    const reads = policies
      .flatMap((p) => (p.properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement)
      .filter((st) => [st.Action].flat().some((a) => String(a).startsWith('secretsmanager:')));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(reads[0]!.Resource)).toContain(`:secret:${WEBHOOK_SECRET_NAME}-??????`);
    const bundleDir = join(
      assemblyDir,
      String((templates.get(STACK)!.Resources[git!.id] as { Metadata?: Record<string, string> }).Metadata?.['aws:asset:path']),
    );
    const releaseArn = outputs[`${STACK}-release`]!.StateMachineArn!;
    const saved = { ...process.env };
    try {
      Object.assign(process.env, emulatorEnv(moto.endpoint), vars, { GENNAKER_PIPELINES_MANIFEST: join(bundleDir, 'gennaker-pipelines.json') });
      const bundle = (await import(join(bundleDir, 'index.mjs'))) as { handler: (event: unknown) => Promise<{ statusCode: number; body: string }> };
      const body = JSON.stringify(JSON.parse(readFileSync(join(EVENTS, 'github', 'push-branch-created.json'), 'utf8')));
      const delivery = (headers: Record<string, string>) =>
        bundle.handler({
          version: '2.0',
          rawPath: '/webhooks/git/github',
          pathParameters: { provider: 'github' },
          headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
          body,
          isBase64Encoded: false,
          requestContext: { http: { method: 'POST', path: '/webhooks/git/github' } },
        });
      const sfn = new SFNClient(emulator());
      const runs = async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: releaseArn }))).executions ?? [];
      const unsigned = await delivery({ 'x-github-delivery': 'd-unsigned' });
      expect(unsigned.statusCode, unsigned.body).toBe(401);
      expect(await runs()).toHaveLength(0);
      const signature = hubSignature256(GITHUB_SECRET, Buffer.from(body));
      const signed = await delivery({ 'x-github-delivery': 'd-1', 'x-hub-signature-256': signature });
      expect(signed.statusCode, signed.body).toBe(202);
      expect((JSON.parse(signed.body) as { outcomes: unknown }).outcomes).toMatchObject([{ pipeline: 'shop/release', status: 'started' }]);
      expect(await runs()).toHaveLength(1);
      const replay = await delivery({ 'x-github-delivery': 'd-2-forged', 'x-hub-signature-256': signature });
      expect((JSON.parse(replay.body) as { outcomes: unknown }).outcomes).toMatchObject([{ pipeline: 'shop/release', status: 'duplicate' }]);
      expect(await runs()).toHaveLength(1);
      sfn.destroy();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      resetClientCache();
    }
  });
});
