/**
 * The app as synthesized: platform resources and least privilege, pipelines compiled into their
 * state machines, synth failures for what cannot deploy, cdk-nag, deterministic output. One file
 * so every function is bundled once (CDK caches bundles per process).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../functions/api/routes.js';
import { TABLES } from '../../../functions/core/tables.js';
import { EVENT_BUS_ENV } from '../../../functions/triggers/lifecycle/completed-event.js';
import { MissingStageFamilyError, PipelineDefinitionError } from '../../../infra/errors.js';
import { buildGennakerApp, type GennakerAppOptions, optionsFromContext } from '../../../infra/gennaker-app.js';
import { applyNag } from '../../../infra/nag.js';
import { REPO_ROOT } from '../../../infra/paths.js';
import { loadPipeline } from '../../../infra/pipeline/definition.js';
import { Pipeline } from '../../../infra/pipeline/pipeline.js';
import { API_HANDLER } from '../../../infra/platform/catalog.js';
import { Platform } from '../../../infra/platform/platform.js';
import { compilePipeline, type FunctionFamily } from '../../../state-machines/index.js';

const FIXTURES = join(REPO_ROOT, 'test', 'unit', 'infra', 'fixtures');
const DEPLOY_FIXTURES = join(REPO_ROOT, 'test', 'integration', 'infra', 'fixtures', 'pipelines');
const outdirs: string[] = [];

/**
 * Templates do not depend on the bundles' contents, only on their hashes: CDK's
 * `aws:cdk:bundling-stacks` context (no stack) skips esbuild except where a test needs real bundles.
 */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

function newApp(bundle = false): App {
  const outdir = mkdtempSync(join(tmpdir(), 'gennaker-synth-'));
  outdirs.push(outdir);
  return new App({ outdir, analyticsReporting: false, ...(bundle ? {} : { context: NO_BUNDLING }) });
}

function synth(options: GennakerAppOptions = {}, bundle = false) {
  const app = newApp(bundle);
  const outdir = app.outdir;
  const built = buildGennakerApp(app, { pipelinesDir: DEPLOY_FIXTURES, ...options });
  const assembly = app.synth();
  return { app, built, outdir, assembly };
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const { built } = synth();
const platform = Template.fromStack(built.platformStack);
const release = Template.fromStack(built.pipelineStacks.find((s) => s.stackName === 'Gennaker-release')!);

/** The statements of the role's policy of the function whose construct id is `id`. */
function statementsOf(template: Template, logicalIdPrefix: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy');
  const match = Object.entries(policies).find(([id]) => id.startsWith(logicalIdPrefix));
  if (!match) throw new Error(`no policy ${logicalIdPrefix}`);
  return (match[1] as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } }).Properties.PolicyDocument
    .Statement;
}
const actionsOf = (statements: Array<{ Action: string | string[] }>) => statements.flatMap((s) => [s.Action].flat()).sort();

describe('platform stack', () => {
  it('creates the three tables from TABLES: on demand, PITR, encrypted, TTL on expiresAt, the GSIs', () => {
    platform.resourceCountIs('AWS::DynamoDB::Table', 3);
    for (const spec of Object.values(TABLES)) {
      platform.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }, ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : [])],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        ...(spec.indexes.length > 0
          ? {
              GlobalSecondaryIndexes: spec.indexes.map((i) =>
                Match.objectLike({
                  IndexName: i.name,
                  KeySchema: [
                    { AttributeName: i.partitionKey, KeyType: 'HASH' },
                    { AttributeName: i.sortKey, KeyType: 'RANGE' },
                  ],
                }),
              ),
            }
          : {}),
      });
    }
  });

  it('encrypts the notification topic with a rotated key of its own', () => {
    platform.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    platform.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('bundles every function for arm64 Node 22 with tracing, a DLQ, JSON logs and the platform environment', () => {
    const functions = platform.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBe(
      built.platformStack.platform.families.length + Object.keys(functions).filter((id) => !/Engine|Flow|External|Cloud|Canary/.test(id)).length,
    );
    platform.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: Match.objectLike({
          GENNAKER_EXECUTIONS_TABLE: Match.anyValue(),
          GENNAKER_LOCKS_TABLE: Match.anyValue(),
          GENNAKER_DEDUPE_TABLE: Match.anyValue(),
          GENNAKER_TOPIC_ARN: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'gennaker',
          // Source maps are read when an error is reported, not at every cold start.
          NODE_OPTIONS: Match.absent(),
        }),
      },
    });
  });

  it("lets the engine touch the executions and locks tables (releasing locks at the end), the topic and its Tasks' tokens, and nothing else", () => {
    expect([...new Set(actionsOf(statementsOf(platform, 'PlatformEngineRoleDefaultPolicy')))].sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:SendMessage',
        'states:SendTaskFailure',
        'states:SendTaskSuccess',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it("alarms on Lambda's Errors as they are: a stage that failed or halted answers its Task's token and is no function error", () => {
    const alarms = Object.values(platform.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, unknown>);
    const handlerAlarms = alarms.filter((a) => a.MetricName === 'Errors');
    expect(handlerAlarms).toHaveLength(Object.keys(platform.findResources('AWS::Lambda::Function')).length);
    expect(handlerAlarms.every((a) => a.Namespace === 'AWS/Lambda' && a.Statistic === 'Sum' && a.Threshold === 1)).toBe(true);
    // Nothing subtracts routed signals any more: they never reach Errors.
    expect(JSON.stringify(alarms)).not.toContain('RoutedSignals');
  });

  it("lets every stage function answer task tokens of this platform's state machines only", () => {
    for (const family of ['Engine', 'Flow', 'Cloud', 'External', 'Canary']) {
      // A large role's statements overflow into managed policies (the cloud family's does).
      const statements = Object.entries({ ...platform.findResources('AWS::IAM::Policy'), ...platform.findResources('AWS::IAM::ManagedPolicy') })
        .filter(([id]) => id.startsWith(`Platform${family}Role`))
        .flatMap(
          ([, policy]) =>
            (policy as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } }).Properties.PolicyDocument
              .Statement,
        );
      const answers = statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('states:SendTask')));
      expect(answers, family).toHaveLength(1);
      expect(answers[0]!.Action, family).toEqual(['states:SendTaskSuccess', 'states:SendTaskFailure']);
      expect(JSON.stringify(answers[0]!.Resource), family).toMatch(/:stateMachine:gennaker-\*"/);
    }
  });

  it('lets flow also resume its callback stages and start exactly the child pipelines', () => {
    const statements = statementsOf(platform, 'PlatformFlowRoleDefaultPolicy');
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['states:SendTaskFailure', 'states:SendTaskSuccess', 'states:StartExecution']));
    expect(actionsOf(statements).filter((a) => a.startsWith('states:'))).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess', 'states:StartExecution']);
    const start = statements.find((s) => s.Action === 'states:StartExecution');
    expect(JSON.stringify(start?.Resource)).toContain(':stateMachine:gennaker-shop-deploy');
    expect(JSON.stringify(start?.Resource)).not.toContain('gennaker-shop-release');
    // clusterSize preconditions run in the cloud family: flow reads no clusters.
    expect(actionsOf(statements).filter((a) => /^(ec2|autoscaling|elasticloadbalancing|sts):/.test(a))).toEqual([]);
  });

  it('lets the external family watch ECS tasks and read gennaker/ secrets, run no task and pass no role without launchPermissions, and nothing of the cloud', () => {
    const statements = statementsOf(platform, 'PlatformExternalRoleDefaultPolicy');
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(byAction('ecs:RunTask')).toEqual([]);
    expect(byAction('iam:PassRole')).toEqual([]);
    expect(JSON.stringify(byAction('ecs:DescribeTasks')[0]?.Resource)).toContain(':task/*');
    expect(byAction('ecs:StopTask')[0]).toMatchObject({ Condition: { Null: { 'aws:ResourceTag/gennaker:application': 'false' } } });
    expect(byAction('ecs:ListTasks')[0]).toMatchObject({ Action: ['ecs:ListTasks', 'ecs:DescribeTaskDefinition'], Resource: '*' });
    expect(JSON.stringify(byAction('secretsmanager:GetSecretValue')[0]?.Resource)).toContain(':secret:gennaker/*');
    const actions = actionsOf(statements);
    expect(actions.filter((a) => /^(ec2|autoscaling|elasticloadbalancing|cloudwatch|sts):/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('states:'))).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
  });

  it('lets the canary family drive the cloud for its server groups and read metrics, and run no tasks', () => {
    const statements = statementsOf(platform, 'PlatformCanaryRoleDefaultPolicy');
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(byAction('cloudwatch:GetMetricData')[0]?.Resource).toBe('*');
    expect(byAction('iam:PassRole')).toEqual([]);
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(['autoscaling:CreateAutoScalingGroup', 'ec2:RunInstances', 'autoscaling:DeleteAutoScalingGroup']));
    expect(actions.filter((a) => /^(ecs|secretsmanager|sts):/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('states:'))).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
    // Alarm gates read this account's alarms only.
    expect(JSON.stringify(byAction('cloudwatch:DescribeAlarms')[0]?.Resource)).toContain(':alarm:*');
  });

  it('lets the lifecycle and API functions invoke exactly the cloud, external and canary functions, to clean up after canceled stages', () => {
    const stageFunctionArn = (id: string) => {
      const [logicalId] = Object.keys(platform.findResources('AWS::Lambda::Function')).filter((k) => k.startsWith(`Platform${id}Function`));
      return { 'Fn::GetAtt': [logicalId, 'Arn'] };
    };
    const expected = ['Cloud', 'External', 'Canary'].map(stageFunctionArn);
    for (const caller of ['PlatformLifecycleRoleDefaultPolicy', 'PlatformApiHandlerRoleDefaultPolicy']) {
      const invoke = statementsOf(platform, caller).filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
      expect(invoke, caller).toHaveLength(1);
      expect(invoke[0]!.Resource).toEqual(expect.arrayContaining(expected));
      expect(invoke[0]!.Resource).toHaveLength(3);
    }
    for (const other of ['PlatformEngineRoleDefaultPolicy', 'PlatformGitRoleDefaultPolicy']) {
      expect(
        actionsOf(statementsOf(platform, other)).filter((a) => a.startsWith('lambda:')),
        other,
      ).toEqual([]);
    }
    // The cloud function deploys Lambda functions: it may invoke only functions carrying Gennaker's tag, never the platform's.
    const cloudInvokes = statementsOf(platform, 'PlatformCloudRoleDefaultPolicy').filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(cloudInvokes.map((s) => (s as { Condition?: unknown }).Condition)).toEqual([{ Null: { 'aws:ResourceTag/gennaker:application': 'false' } }]);
  });

  it('subscribes the notifier to the notification topic for the types it posts, and lets it read secrets under the prefix only', () => {
    platform.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^PlatformNotificationsTopic') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformNotifierFunction'), 'Arn'] },
      FilterPolicy: { channel: ['googlechat', 'microsoftteams'] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    const [notifier] = Object.entries(platform.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('PlatformNotifierFunction'));
    expect((notifier![1] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables).toMatchObject({
      GENNAKER_SECRET_NAME_PREFIX: 'gennaker/',
    });
    const reads = statementsOf(platform, 'PlatformNotifierRoleDefaultPolicy').filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(reads.map((s) => s.Action)).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(reads[0]!.Resource)).toContain(':secret:gennaker/*');
  });

  it('alarms on handler errors and dead letters', () => {
    const functions = Object.keys(platform.findResources('AWS::Lambda::Function')).length;
    platform.resourceCountIs('AWS::CloudWatch::Alarm', functions + 1);
  });
});

describe('HTTP API', () => {
  const api = built.platformStack.platform.apiHandler!;
  const apiLogicalId = (id: string) => id.startsWith('PlatformApiHandlerFunction') && !id.includes('Logs');

  it('routes every API route to the API handler with IAM (SigV4) authorization', () => {
    // The catalog's list is what routes.ts serves.
    expect(API_HANDLER.routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.pattern}`).sort());
    for (const route of API_HANDLER.routes) {
      platform.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}`, AuthorizationType: 'AWS_IAM' });
    }
    // Only the webhooks are open.
    const open = Object.values(platform.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties as { RouteKey: string; AuthorizationType: string })
      .filter((r) => r.AuthorizationType !== 'AWS_IAM')
      .map((r) => r.RouteKey);
    expect(open.every((key) => key.startsWith('POST /webhooks/'))).toBe(true);
    expect(api).toBeDefined();
  });

  it('opens the webhook callback route and tells webhook stages its URL', () => {
    const open = Object.values(platform.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r.Properties as { RouteKey: string }).RouteKey);
    expect(open).toContain('POST /webhooks/callback/{executionId}/{refId}');
    const [external] = Object.entries(platform.findResources('AWS::Lambda::Function')).filter(
      ([id]) => id.startsWith('PlatformExternalFunction') && !id.includes('Logs'),
    );
    const vars = (external?.[1].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(JSON.stringify(vars.GENNAKER_WEBHOOK_CALLBACK_URL)).toContain('webhooks/callback');
  });

  it('gives the API handler the trigger environment, all pipelines and the event bus', () => {
    const [fn] = Object.entries(platform.findResources('AWS::Lambda::Function')).filter(([id]) => apiLogicalId(id));
    const vars = (fn?.[1].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(vars).toMatchObject({ [EVENT_BUS_ENV]: 'default', GENNAKER_TOPIC_ARN: expect.anything(), GENNAKER_EXECUTIONS_TABLE: expect.anything() });
    const machines = JSON.stringify(vars.GENNAKER_STATE_MACHINES);
    expect(machines).toContain('shop/deploy');
    expect(machines).toContain('shop/release');
  });

  it("lets the API handler start and stop this platform's pipelines, answer judgments, emit events and read clusters", () => {
    const statements = statementsOf(platform, 'PlatformApiHandlerRoleDefaultPolicy');
    expect(actionsOf(statements)).toEqual(
      [
        'autoscaling:DescribeAutoScalingGroups',
        'ec2:DescribeLaunchTemplateVersions',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeRules',
        'ecs:ListClusters',
        'ecs:ListServices',
        'ecs:DescribeServices',
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'lambda:InvokeFunction',
        'lambda:ListFunctions',
        'lambda:ListEventSourceMappings',
        'lambda:GetFunction',
        'lambda:ListVersionsByFunction',
        'lambda:ListAliases',
        'lambda:GetAlias',
        'lambda:GetProvisionedConcurrencyConfig',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:SendMessage',
        'states:SendTaskFailure',
        'states:SendTaskSuccess',
        'states:StartExecution',
        'states:StopExecution',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const stop = statements.find((s) => s.Action === 'states:StopExecution');
    expect(JSON.stringify(stop?.Resource)).toMatch(/:execution:gennaker-\*"/);
    const start = statements.find((s) => s.Action === 'states:StartExecution');
    expect(JSON.stringify(start?.Resource)).toContain(':stateMachine:gennaker-shop-release');
    expect(JSON.stringify(start?.Resource)).toContain(':stateMachine:gennaker-shop-deploy');
    expect(JSON.stringify(statements.find((s) => JSON.stringify(s.Action).includes('states:SendTaskSuccess'))?.Resource)).toMatch(/:stateMachine:gennaker-\*"/);
    // No accounts file with roles is configured: no sts:AssumeRole.
    expect(actionsOf(statements).some((a) => a.startsWith('sts:'))).toBe(false);
  });
});

describe('pipeline stacks', () => {
  it('compiles the pipeline with the platform function ARNs spliced in, no substitutions', () => {
    const [machine] = Object.values(release.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: Record<string, unknown> }>;
    expect(machine?.Properties.DefinitionSubstitutions).toBeUndefined();
    const parts = (machine?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const text = parts
      .map((p) =>
        typeof p === 'string'
          ? p
          : `<${JSON.stringify(p)
              .match(/Platform(\w+?)Function/)?.[1]
              ?.toLowerCase()}>`,
      )
      .join('');
    const expected = compilePipeline(loadPipeline(join(DEPLOY_FIXTURES, 'release.yml')).pipeline, { functionArn: (f: FunctionFamily) => `<${f}>` });
    expect(JSON.parse(text)).toEqual(expected);
    expect(machine?.Properties).toMatchObject({
      StateMachineName: 'gennaker-shop-release',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('lets the state machine invoke only the functions of the families it uses', () => {
    const invoke = statementsOf(release, 'PipelineStateMachineRoleDefaultPolicy').find((s) => s.Action === 'lambda:InvokeFunction');
    const text = JSON.stringify(invoke?.Resource);
    expect(text).toContain('PlatformEngineFunction');
    expect(text).toContain('PlatformFlowFunction');
    expect(text).not.toContain('PlatformExternalFunction');
  });

  it('alarms on failed, timed out and aborted executions', () => {
    release.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)' })]),
    });
  });
});

describe('synth refuses what cannot deploy', () => {
  it('fails on an invalid pipeline with every validator message as path: message', () => {
    const app = newApp();
    const p = new Platform(new Stack(app, 'P'), 'Platform');
    const invalid = {
      application: 'shop',
      name: 'bad',
      stages: [
        { refId: '1', type: 'nope' },
        { refId: '2', type: 'wait', requisiteStageRefIds: ['9'] },
      ],
    };
    let error: unknown;
    try {
      new Pipeline(new Stack(app, 'Bad'), 'Pipeline', { platform: p, definition: invalid });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    const lines = (error as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.stages\[0\]\.type: unsupported stage type 'nope'/),
        "$.stages[1].requisiteStageRefIds[0]: no stage has refId '9'",
      ]),
    );
  });

  it('fails on a pipeline whose stage family has no handler on the platform', () => {
    const app = newApp();
    const stack = new Stack(app, 'P');
    const p = new Platform(stack, 'Platform', { sourceRoot: join(FIXTURES, 'engine-only') });
    expect(p.families).toEqual(['engine']);
    expect(() => new Pipeline(stack, 'Pipeline', { platform: p, definition: join(DEPLOY_FIXTURES, 'deploy.json') })).toThrow(MissingStageFamilyError);
  });

  it('fails synth when a pipeline stage starts a pipeline nobody deploys', () => {
    const app = newApp();
    const stack = new Stack(app, 'P');
    const p = new Platform(stack, 'Platform');
    new Pipeline(stack, 'Parent', { platform: p, definition: join(DEPLOY_FIXTURES, 'release.yml') });
    expect(() => app.synth()).toThrow(/starts pipeline 'shop\/deploy', which no Pipeline on this platform deploys/);
  });
});

describe('triggers', () => {
  it('turns cron triggers into schedules on the cron handler and warns about triggers nothing fires', () => {
    const { built: withCron } = synth({ pipelinesDir: join(FIXTURES, 'pipelines'), nag: false });
    const nightly = withCron.pipelineStacks.find((s) => s.stackName === 'Gennaker-nightly')!;
    const template = Template.fromStack(nightly);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'gennaker-shop-shop-nightly-night',
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'America/Los_Angeles',
      Target: Match.objectLike({ Input: Match.stringLikeRegexp('"triggerId":"night"') }),
    });
    const warnings = nightly.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
    expect(warnings.some((w) => w.includes("'pubsub' triggers"))).toBe(false);
    expect(warnings.some((w) => w.includes('$.triggers[2].subscriptionName: the pubsub trigger names no SNS topic'))).toBe(true);
    // Disabled triggers are left alone: only the validator's one warning that it does not know the type.
    expect(warnings.filter((w) => w.includes("'jenkins-legacy'"))).toEqual([
      expect.stringMatching(/^\$\.triggers\[1\]\.type: no handler on this platform fires 'jenkins-legacy'/),
    ]);
  });

  it("compiles the platform's time zone into schedules and windows that name none (gennaker:timeZone)", () => {
    const { built } = synth({ pipelinesDir: join(FIXTURES, 'pipelines'), nag: false, platform: { timeZone: 'Europe/Paris' } });
    const nightly = built.pipelineStacks.find((s) => s.stackName === 'Gennaker-nightly')!;
    Template.fromStack(nightly).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpressionTimezone: 'Europe/Paris' });
    expect(() => synth({ pipelinesDir: join(FIXTURES, 'pipelines'), nag: false, platform: { timeZone: 'Mars/Olympus' } })).toThrow(
      /timeZone 'Mars\/Olympus' is not an IANA time zone/,
    );
    const app = newApp();
    app.node.setContext('gennaker:timeZone', 'Asia/Tokyo');
    expect(optionsFromContext(app).platform).toMatchObject({ timeZone: 'Asia/Tokyo' });
  });

  it('subscribes the pubsub handler once to a topic two triggers name, letting through what either matches', () => {
    const { built: withPubsub } = synth({ pipelinesDir: join(FIXTURES, 'pipelines'), nag: false });
    const template = Template.fromStack(withPubsub.platformStack);
    const pubsub = Object.values(template.findResources('AWS::SNS::Subscription')).filter((r) => JSON.stringify(r).includes('PlatformPubsubFunction'));
    expect(pubsub).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: 'arn:aws:sns:us-east-1:111111111111:releases',
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformPubsubFunction'), 'Arn'] },
      // env ^prod$ / ^staging$ and team ^shop are exact and prefix values; build (\d+, one trigger only) is left to the handler.
      FilterPolicy: { env: ['prod', 'staging'], team: [{ prefix: 'shop' }] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: 'arn:aws:sns:us-east-1:111111111111:releases',
    });
    expect(withPubsub.platformStack.platform.subscribedTopics).toEqual(['arn:aws:sns:us-east-1:111111111111:releases']);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the whole app', () => {
    expect(() => synth({ pipelinesDir: join(FIXTURES, 'pipelines') })).not.toThrow();
  });

  it('is really checking: an unencrypted queue fails synth', () => {
    const app = new App();
    new Queue(new Stack(app, 'Careless'), 'Queue', { enforceSSL: true });
    applyNag(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});

describe('output', () => {
  const files = (dir: string, suffixes: readonly string[]) =>
    readdirSync(dir)
      .filter((f) => suffixes.some((suffix) => f.endsWith(suffix)))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);

  it('is the same templates on every synth', () => {
    const first = synth({ nag: false });
    const second = synth({ nag: false });
    expect(files(second.outdir, ['.template.json'])).toEqual(files(first.outdir, ['.template.json']));
  });

  // Real bundles on a fixture source root: the repository's handlers change under concurrent work,
  // and esbuild's output is what the asset hashes (and so the templates) are made of.
  it('bundles to the same asset hashes on every synth', { timeout: 120_000 }, () => {
    const hashes = () => {
      const app = newApp(true);
      new Platform(new Stack(app, 'P'), 'Platform', { sourceRoot: join(FIXTURES, 'engine-only') });
      app.synth();
      return files(app.outdir, ['.assets.json', '.template.json']);
    };
    const first = hashes();
    expect(hashes()).toEqual(first);
    expect(JSON.stringify(first)).toMatch(/Platform\/Engine\/Function\/Code/);
  });
});
