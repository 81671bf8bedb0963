/**
 * Turns a handler's needs into IAM statements on this platform's resources, naming every action
 * and resource (no managed policies, no `dynamodb:*`). Actions whose only IAM resource is `*`
 * (X-Ray, SendTask*) are acknowledged for cdk-nag where they are granted, with the reason.
 */
import { ArnFormat, Aws, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { TABLES, type TableKey } from '../../functions/core/tables.js';
import { TAG_PREFIX, TagKeys } from '../../functions/core/cloud/tags.js';
import { CANARY_NAME_PREFIX } from '../../functions/core/cloud/weighted-routing.js';
import type { Need } from './catalog.js';
import type { LaunchPermissions } from './launch-permissions.js';
import type { GennakerFunction } from './functions.js';
import type { NotificationTopic } from './notifications.js';
import type { PipelineRegistry } from './registry.js';
import type { PlatformTables } from './tables.js';

/** Exactly the DynamoDB calls functions/core makes on each table. */
const TABLE_ACTIONS: Readonly<Record<TableKey, readonly string[]>> = {
  executions: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:Query',
  ],
  // Releasing an execution's locks scans for its holder (locks-table.ts): the table holds only live locks.
  locks: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Scan'],
  dedupe: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
};
const TABLE_NEEDS: Partial<Record<Need, TableKey>> = { executions: 'executions', locks: 'locks', dedupe: 'dedupe' };

export interface AccessContext {
  readonly tables: PlatformTables;
  readonly notifications: NotificationTopic;
  readonly registry: PipelineRegistry;
  /** State machine names start with `${namePrefix}-` (StopExecution on their executions). */
  readonly namePrefix: string;
  /** Secrets the functions may read are named `${secretNamePrefix}...` (webhook, Jenkins, artifact and notification credentials). */
  readonly secretNamePrefix: string;
  /** Roles that may be passed, task families that may run (platform setting launchPermissions). */
  readonly launchPermissions: LaunchPermissions;
  /** Buckets s3/object artifacts come from, and whether GitHub artifact accounts hold token references (platform setting artifacts). */
  readonly artifacts: { readonly buckets: readonly string[]; readonly tokens: boolean };
}

export function grantNeeds(fn: GennakerFunction, needs: readonly Need[], context: AccessContext): void {
  for (const need of needs) {
    const tableKey = TABLE_NEEDS[need];
    if (tableKey) {
      grantTable(fn, tableKey, context.tables);
      continue;
    }
    switch (need) {
      case 'publish':
        grantPublish(fn, context.notifications);
        break;
      case 'startChildPipelines':
        grantStart(fn, 'children', context.registry);
        break;
      case 'startPipelines':
        grantStart(fn, 'all', context.registry);
        break;
      case 'ecsServices':
        grantEcsServices(fn, context.launchPermissions.taskRoles);
        break;
      case 'cloudDriver':
        grantCloudDriver(fn, context.launchPermissions.instanceRoles);
        break;
      case 'trafficShifts':
        grantTrafficShifts(fn);
        break;
      case 'lambdaDeploys':
        grantLambdaDeploys(fn, context.launchPermissions);
        break;
      case 'clusterView':
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...CLUSTER_VIEW_ACTIONS, ...FUNCTION_LISTS], resources: ['*'] }));
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: FUNCTION_READS, resources: [functionArn('*'), functionArn('*:*')] }));
        break;
      case 'stopExecutions':
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StopExecution'], resources: [executionArnPattern(fn, context.namePrefix)] }));
        break;
      case 'resumeTasks':
        grantTaskResponse(fn, context.namePrefix);
        break;
      case 'runTasks':
        grantRunTasks(fn, context.launchPermissions);
        break;
      case 'readMetrics':
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
        break;
      case 'readArtifacts':
        grantArtifactReads(fn, context);
        break;
      case 'readSecrets':
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArnPattern(fn, context.secretNamePrefix)] }),
        );
        break;
      case 'putEvents':
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['events:PutEvents'],
            resources: [Stack.of(fn).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
          }),
        );
        break;
    }
  }
}

/**
 * The cloud driver's calls (functions/core/cloud: deploy, resize, enable/disable, images, bake),
 * split by what IAM can check. Reads take no narrower resource. Every create must carry the
 * `gennaker:application` tag in the request, every change or delete needs it on the resource, so
 * the functions change only what Gennaker made, whatever a pipeline names.
 */
const CLOUD_DRIVER_READS = [
  'ec2:DescribeImages',
  'ec2:DescribeInstances',
  'ec2:DescribeKeyPairs',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribePolicies',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
];
/** Changes to an existing Auto Scaling group: only groups tagged as Gennaker's. */
const GROUP_CHANGES = [
  'autoscaling:AttachLoadBalancerTargetGroups',
  'autoscaling:CreateOrUpdateTags',
  'autoscaling:DeleteAutoScalingGroup',
  // Stale target-group tags when a progressive deploy moves a group between target groups (load-balancing.ts).
  'autoscaling:DeleteTags',
  'autoscaling:DetachLoadBalancerTargetGroups',
  'autoscaling:PutScalingPolicy',
  'autoscaling:ResumeProcesses',
  'autoscaling:SuspendProcesses',
  'autoscaling:UpdateAutoScalingGroup',
];

/** The tag on everything Gennaker creates (functions/core/cloud/tags.ts). */
const MANAGED_TAG = TagKeys.application;
const REQUEST_TAGGED = { Null: { [`aws:RequestTag/${MANAGED_TAG}`]: 'false' } };
const RESOURCE_TAGGED = { Null: { [`aws:ResourceTag/${MANAGED_TAG}`]: 'false' } };

/** `arn:…:ec2:*:<account>:<type>/*`: any region, this account (images have no account in their ARN). */
const ec2Arn = (type: string) => `arn:${Aws.PARTITION}:ec2:*:${type === 'image' ? '' : Aws.ACCOUNT_ID}:${type}/*`;
const groupArn = () => `arn:${Aws.PARTITION}:autoscaling:*:${Aws.ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/*`;

/**
 * Exactly the calls of the cluster view (functions/api/clusters.ts → core/cloud/cluster.ts,
 * health.ts, launch-templates.ts, weighted-routing.ts targetGroupShares): list the groups, read
 * each group's launch template version for image and instance type, read target health; list the
 * ECS clusters and their services; read the target groups' listeners and rules for traffic
 * weights. Nothing that writes.
 */
const CLUSTER_VIEW_ACTIONS = [
  'autoscaling:DescribeAutoScalingGroups',
  'ec2:DescribeLaunchTemplateVersions',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
];

/** Every execution of this platform's state machines: `arn:…:execution:<prefix>-*` (the execution name follows a colon). */
function executionArnPattern(fn: GennakerFunction, namePrefix: string): string {
  return Stack.of(fn).formatArn({ service: 'states', resource: 'execution', resourceName: `${namePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * Secrets named `<prefix>…` in this account, in any region: a reference names its region
 * (`!r:`). Secrets Manager appends `-` and six characters to the name in the ARN.
 */
function secretArnPattern(fn: GennakerFunction, prefix: string): string {
  return Stack.of(fn).formatArn({
    service: 'secretsmanager',
    region: '*',
    resource: 'secret',
    resourceName: `${prefix}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Artifacts: s3:GetObject (and GetObjectVersion, for an artifact's version) on the objects of exactly
 * the buckets the setting lists, none without; the reader refuses other buckets by name first.
 * GitHub tokens are secret references under the platform's secret prefix, read only when the
 * setting has some.
 */
function grantArtifactReads(fn: GennakerFunction, context: Pick<AccessContext, 'artifacts' | 'secretNamePrefix'>): void {
  if (context.artifacts.buckets.length > 0) {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: context.artifacts.buckets.map((bucket) =>
          Stack.of(fn).formatArn({ service: 's3', region: '', account: '', resource: bucket, resourceName: '*' }),
        ),
      }),
    );
  }
  if (context.artifacts.tokens) {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArnPattern(fn, context.secretNamePrefix)] }),
    );
  }
}

/**
 * runJob (functions/stages/external/run-job): RunTask on exactly the task definition families the
 * settings allow (none when none are listed), tagging the task it starts; DescribeTasks, and
 * StopTask only on tasks carrying the tag; ListTasks (finding a task started before a retry) and
 * DescribeTaskDefinition (essential containers and log settings) read. PassRole only for the
 * task and execution roles the settings list, only towards ECS tasks.
 */
function grantRunTasks(fn: GennakerFunction, permissions: LaunchPermissions): void {
  const ecsArn = (resource: string) => `arn:${Aws.PARTITION}:ecs:*:${Aws.ACCOUNT_ID}:${resource}`;
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  if (permissions.taskFamilies.length > 0) {
    allow(
      ['ecs:RunTask'],
      permissions.taskFamilies.map((family) => ecsArn(`task-definition/${family}:*`)),
      REQUEST_TAGGED,
    );
    allow(['ecs:TagResource'], [ecsArn('task/*')], { StringEquals: { 'ecs:CreateAction': 'RunTask' } });
  }
  allow(['ecs:DescribeTasks'], [ecsArn('task/*')]);
  allow(['ecs:StopTask'], [ecsArn('task/*')], RESOURCE_TAGGED);
  allow(['ecs:ListTasks', 'ecs:DescribeTaskDefinition'], ['*']);
  if (permissions.taskRoles.length > 0) {
    allow(['iam:PassRole'], permissions.taskRoles.map(roleArn), { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  }
}

/** `arn:…:lambda:*:<account>:function:<name>`: any region, this account. */
const functionArn = (name: string) => `arn:${Aws.PARTITION}:lambda:*:${Aws.ACCOUNT_ID}:function:${name}`;
/** Reads of one function (functions/core/cloud/lambda/functions.ts describeFunction). */
const FUNCTION_READS = [
  'lambda:GetFunction',
  'lambda:ListVersionsByFunction',
  'lambda:ListAliases',
  'lambda:GetAlias',
  'lambda:GetProvisionedConcurrencyConfig',
];
/** Lists that define no resource type. */
const FUNCTION_LISTS = ['lambda:ListFunctions', 'lambda:ListEventSourceMappings'];
/** What the Lambda stages change on a function, a version or an alias. */
const FUNCTION_CHANGES = [
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:PublishVersion',
  'lambda:CreateAlias',
  'lambda:UpdateAlias',
  'lambda:DeleteFunction',
  'lambda:PutFunctionConcurrency',
  'lambda:DeleteFunctionConcurrency',
  'lambda:PutProvisionedConcurrencyConfig',
  'lambda:DeleteProvisionedConcurrencyConfig',
  'lambda:TagResource',
  'lambda:InvokeFunction',
];

/**
 * Lambda deploys (functions/stages/cloud/lambda): a function is created only with Gennaker's tag in
 * the request, and changed, published, aliased, invoked or deleted only when it carries that tag or
 * its name starts with a prefix the settings list (functions made before Gennaker). Event source
 * mappings have no function tag to condition on: they may map only to functions whose ARN matches
 * the prefixes (any function in this account when none are listed: a mapping only sends events to
 * a function, it cannot change one). iam:PassRole only for the execution roles the settings list,
 * only towards Lambda.
 */
function grantLambdaDeploys(fn: GennakerFunction, permissions: LaunchPermissions): void {
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  const functions = [functionArn('*'), functionArn('*:*')];
  allow(FUNCTION_LISTS, ['*']);
  allow(FUNCTION_READS, functions);
  allow(['lambda:CreateFunction', 'lambda:TagResource'], [functionArn('*')], REQUEST_TAGGED);
  allow(FUNCTION_CHANGES, functions, RESOURCE_TAGGED);
  const prefixed = permissions.functionPrefixes.flatMap((p) => [functionArn(`${p}*`), functionArn(`${p}*:*`)]);
  if (prefixed.length > 0) allow(FUNCTION_CHANGES, prefixed);
  const mappingTargets = prefixed.length > 0 ? prefixed : functions;
  allow(['lambda:CreateEventSourceMapping', 'lambda:DeleteEventSourceMapping'], [`arn:${Aws.PARTITION}:lambda:*:${Aws.ACCOUNT_ID}:event-source-mapping:*`], {
    ArnLike: { 'lambda:FunctionArn': mappingTargets },
  });
  if (permissions.functionRoles.length > 0) {
    allow(['iam:PassRole'], permissions.functionRoles.map(roleArn), { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
  }
}

/** Alarm gates (functions/core/gates/alarms.ts) read alarms: any region, this account's alarms only. */
const alarmArnPattern = () => `arn:${Aws.PARTITION}:cloudwatch:*:${Aws.ACCOUNT_ID}:alarm:*`;

function grantCloudDriver(fn: GennakerFunction, roles: readonly string[]): void {
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  allow(CLOUD_DRIVER_READS, ['*']);
  // Creates: the request must tag what it makes.
  allow(['ec2:CreateLaunchTemplate'], [ec2Arn('launch-template')], REQUEST_TAGGED);
  allow(['ec2:RunInstances'], [ec2Arn('instance')], REQUEST_TAGGED);
  allow(['ec2:CreateImage'], [ec2Arn('image'), ec2Arn('snapshot')], REQUEST_TAGGED);
  allow(['autoscaling:CreateAutoScalingGroup', 'autoscaling:CreateOrUpdateTags'], [groupArn()], REQUEST_TAGGED);
  // What a new instance uses (a bake builder; a group's launch template when the group is made or changed).
  allow(['ec2:RunInstances'], ['image', 'subnet', 'security-group', 'network-interface', 'volume', 'key-pair'].map(ec2Arn));
  allow(['ec2:RunInstances'], [ec2Arn('launch-template')], RESOURCE_TAGGED);
  // Changes and deletes: only what carries the tag.
  allow(['ec2:CreateLaunchTemplateVersion', 'ec2:DeleteLaunchTemplate'], [ec2Arn('launch-template')], RESOURCE_TAGGED);
  allow(['ec2:TerminateInstances', 'ec2:GetConsoleOutput', 'ec2:CreateImage'], [ec2Arn('instance')], RESOURCE_TAGGED);
  allow(['ec2:DeregisterImage'], [ec2Arn('image')], RESOURCE_TAGGED);
  allow(GROUP_CHANGES, [groupArn()], RESOURCE_TAGGED);
  // Tags written by the creates above, and tagImage's own tags on any image (never a gennaker: key,
  // so tagging cannot make an image look like Gennaker's).
  allow(['ec2:CreateTags'], ['instance', 'volume', 'network-interface', 'launch-template', 'image', 'snapshot'].map(ec2Arn), {
    StringEquals: { 'ec2:CreateAction': ['RunInstances', 'CreateLaunchTemplate', 'CreateImage'] },
  });
  allow(['ec2:CreateTags'], [ec2Arn('image')], { 'ForAllValues:StringNotLike': { 'aws:TagKeys': [`${TAG_PREFIX}*`] } });
  allow(['cloudwatch:DescribeAlarms'], [alarmArnPattern()]);
  // Launch templates and bake builders carry an instance profile: only the roles the settings list.
  if (roles.length > 0) allow(['iam:PassRole'], roles.map(roleArn), { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
}

/** `arn:…:elasticloadbalancing:*:<account>:<resource>`: any region, this account. */
const elbArn = (resource: string) => `arn:${Aws.PARTITION}:elasticloadbalancing:*:${Aws.ACCOUNT_ID}:${resource}`;
/** Canary target groups: `targetgroup/<name>/<id>`, names from weighted-routing.ts. */
const canaryTargetGroups = () => elbArn(`targetgroup/${CANARY_NAME_PREFIX}*/*`);

/**
 * Progressive deploys (functions/core/cloud/weighted-routing.ts; reads are the cloud driver's
 * DescribeTargetGroups plus DescribeListeners/DescribeRules): canary target groups are created only
 * with Gennaker's tag in the request and a `gk-canary-` name, tagged only while being created, and
 * deleted only when named so and carrying the tag. The listeners and rules weighted are the
 * application's own (no Gennaker tag to condition on): ModifyRule/ModifyListener on Application Load
 * Balancer listeners of this account, and the driver changes only forwards to the cluster's target
 * group alone (it refuses a rule that also forwards elsewhere, by name).
 */
function grantTrafficShifts(fn: GennakerFunction): void {
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  allow(['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules'], ['*']);
  allow(['elasticloadbalancing:CreateTargetGroup'], [canaryTargetGroups()], REQUEST_TAGGED);
  allow(['elasticloadbalancing:AddTags'], [canaryTargetGroups()], { StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateTargetGroup' } });
  allow(['elasticloadbalancing:DeleteTargetGroup'], [canaryTargetGroups()], RESOURCE_TAGGED);
  allow(['elasticloadbalancing:ModifyListener'], [elbArn('listener/app/*')]);
  allow(['elasticloadbalancing:ModifyRule'], [elbArn('listener-rule/app/*')]);
}

/**
 * ECS server groups (functions/core/ecs/): reads on `*` (Describe/List take no narrower resource);
 * services and task definition revisions are created tagged and changed, scaled, tagged and
 * deleted only when they carry Gennaker's tag. Task roles are passed only as the settings list them
 * (launchPermissions.taskRoles), the same rule as runJob.
 */
const ECS_READS = [
  'ecs:DescribeClusters',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:DescribeTaskDefinition',
];

const SCALING_READS = [
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'application-autoscaling:DescribeScheduledActions',
];
const ECS_SCALING_SERVICE = 'ecs.application-autoscaling.amazonaws.com';

function grantEcsServices(fn: GennakerFunction, taskRoles: readonly string[]): void {
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  const ecsArn = (resource: string) => `arn:${Aws.PARTITION}:ecs:*:${Aws.ACCOUNT_ID}:${resource}`;
  allow(ECS_READS, ['*']);
  allow(['ecs:CreateService'], [ecsArn('service/*')], REQUEST_TAGGED);
  allow(['ecs:RegisterTaskDefinition'], [ecsArn('task-definition/*')], REQUEST_TAGGED);
  allow(['ecs:TagResource'], [ecsArn('service/*'), ecsArn('task-definition/*')], {
    StringEquals: { 'ecs:CreateAction': ['CreateService', 'RegisterTaskDefinition'] },
  });
  allow(['ecs:UpdateService', 'ecs:DeleteService', 'ecs:TagResource', 'ecs:UntagResource'], [ecsArn('service/*')], RESOURCE_TAGGED);
  allow(['ecs:DeregisterTaskDefinition'], [ecsArn('task-definition/*')]);
  // copySourceScalingPoliciesAndActions (core/ecs/scaling.ts): scalable targets are registered tagged
  // and their policies and scheduled actions put only on a tagged target. Destroy removes the scaling
  // of the service it deletes (DeleteService is tag-conditioned), which its owner may have set up untagged.
  const scalableTargets = `arn:${Aws.PARTITION}:application-autoscaling:*:${Aws.ACCOUNT_ID}:scalable-target/*`;
  allow(SCALING_READS, ['*']);
  allow(['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'], [scalableTargets], REQUEST_TAGGED);
  allow(['application-autoscaling:PutScalingPolicy', 'application-autoscaling:PutScheduledAction'], [scalableTargets], RESOURCE_TAGGED);
  allow(
    ['application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:DeleteScheduledAction', 'application-autoscaling:DeregisterScalableTarget'],
    [scalableTargets],
  );
  // A target tracking policy's alarms are made and removed in the caller's name, under names AWS chooses.
  allow(
    ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
    [`arn:${Aws.PARTITION}:cloudwatch:*:${Aws.ACCOUNT_ID}:alarm:TargetTracking-service/*`],
  );
  // The first ECS scalable target of an account creates Application Auto Scaling's service-linked role.
  allow(
    ['iam:CreateServiceLinkedRole'],
    [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${ECS_SCALING_SERVICE}/AWSServiceRoleForApplicationAutoScaling_ECSService`],
    { StringEquals: { 'iam:AWSServiceName': ECS_SCALING_SERVICE } },
  );
  if (taskRoles.length > 0) allow(['iam:PassRole'], taskRoles.map(roleArn), { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
}

/** A role ARN as given, or a role name (optionally with a path) in the platform's account. */
function roleArn(role: string): string {
  if (role.startsWith('arn:')) return role;
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${role.replace(/^role\//, '')}`;
}

/**
 * sts:AssumeRole on exactly the roles the platform's accounts name (functions/core/cloud/credentials.ts
 * assumes them per account); nothing when no account names one.
 */
export function grantAssumeRoles(fn: GennakerFunction, roleArns: readonly string[]): void {
  if (roleArns.length === 0) return;
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [...roleArns] }));
}

/**
 * secretsmanager:GetSecretValue on exactly these secrets (a secret known by name: `…:secret:<name>-??????`,
 * the six characters Secrets Manager appends).
 */
export function grantSecretReads(fn: GennakerFunction, secrets: readonly ISecret[]): void {
  if (secrets.length === 0) return;
  const resources = secrets.map((secret) => secret.secretFullArn ?? `${secret.secretArn}-??????`);
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources }));
}

/** lambda:InvokeFunction on exactly the stage functions that clean up after canceled stages. */
export function grantStageCleanup(fn: GennakerFunction, targets: readonly GennakerFunction[]): void {
  if (targets.length === 0) return;
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets.map((t) => t.function.functionArn) }));
}

/**
 * SendTaskSuccess / SendTaskFailure on the tasks of this platform's state machines only (task-resume.ts):
 * every stage function answers its Tasks' tokens with the outcome (success goes on, failure carries
 * the signal the compiled Catch routes), and the API ends a judgment's wait.
 */
export function grantTaskResponse(fn: GennakerFunction, namePrefix: string): void {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachineArnPattern(fn, namePrefix)] }),
  );
}

function stateMachineArnPattern(fn: GennakerFunction, namePrefix: string): string {
  return Stack.of(fn).formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${namePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * Acknowledges each wildcard resource the function's role has, with why that action cannot be
 * narrower: IAM's service authorization reference lists no resource type for it (so only `*`), or
 * the resource is named at run time and a tag condition or name pattern keeps it to Gennaker's.
 */
export function acknowledgeWildcards(
  fn: GennakerFunction,
  needs: readonly Need[],
  taskResponse: boolean,
  context: Pick<AccessContext, 'namePrefix' | 'secretNamePrefix' | 'launchPermissions' | 'artifacts'>,
): void {
  const onStar = [
    'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing; X-Ray defines no resource types)',
    ...(needs.includes('clusterView')
      ? [
          "the cluster view's autoscaling:DescribeAutoScalingGroups, ec2:DescribeLaunchTemplateVersions, elasticloadbalancing:DescribeTargetHealth, DescribeTargetGroups, DescribeListeners and DescribeRules, ecs:ListClusters, ListServices and DescribeServices (read only; these Describe and List actions define no resource type, or list across clusters the view discovers)",
        ]
      : []),
    ...(needs.includes('clusterView') || needs.includes('lambdaDeploys')
      ? ['lambda:ListFunctions and lambda:ListEventSourceMappings (read only; neither defines a resource type)']
      : []),
    ...(needs.includes('cloudDriver')
      ? [
          "the cloud driver's EC2, Auto Scaling and ELBv2 Describe* calls (read only; they define no resource type); none of its creates, changes or deletes is on *",
        ]
      : []),
    ...(needs.includes('ecsServices')
      ? [
          "the ECS server groups' ecs:DescribeClusters, ListClusters (finding the ECS cluster of a cluster's services), ListServices, DescribeServices, ListTasks, DescribeTasks and DescribeTaskDefinition, and application-autoscaling:DescribeScalableTargets, DescribeScalingPolicies and DescribeScheduledActions (read only; listing and describing name no single resource); none of their creates, changes or deletes is on *",
        ]
      : []),
    ...(needs.includes('runTasks')
      ? ['ecs:ListTasks and ecs:DescribeTaskDefinition (read only; neither defines a resource type that works with the calls runJob makes)']
      : []),
    ...(needs.includes('trafficShifts')
      ? ["progressive deploys' elasticloadbalancing:DescribeListeners and DescribeRules (read only; they define no resource type)"]
      : []),
    ...(needs.includes('readMetrics') ? ['cloudwatch:GetMetricData (canary metrics, read only; the action defines no resource type)'] : []),
  ];
  const acknowledge = (resource: string, reason: string) =>
    Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: `${fn.node.id}: ${reason}` });
  acknowledge('*', `only actions that cannot name a resource are on '*': ${onStar.join('; ')}.`);
  // Resource patterns: the names exist only at run time, the pattern keeps them to this platform or account.
  if (taskResponse || needs.includes('resumeTasks')) {
    acknowledge(
      `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${context.namePrefix}-*`,
      `answers task tokens (states:SendTaskSuccess, states:SendTaskFailure) of this platform's state machines only (names start with '${context.namePrefix}-'); pipelines are deployed after the platform, so their names are not known here.`,
    );
  }
  if (needs.includes('stopExecutions')) {
    acknowledge(
      `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${context.namePrefix}-*`,
      `cancels runs: states:StopExecution on executions of this platform's state machines only (names start with '${context.namePrefix}-'); execution names are made at run time.`,
    );
  }
  if (needs.includes('readArtifacts')) {
    for (const bucket of context.artifacts.buckets) {
      acknowledge(
        `arn:<AWS::Partition>:s3:::${bucket}/*`,
        `reads s3/object artifacts (s3:GetObject, GetObjectVersion) from the bucket '${bucket}' the platform's artifacts setting lists; object keys come from pipelines at run time.`,
      );
    }
    if (context.artifacts.tokens && !needs.includes('readSecrets')) {
      acknowledge(
        `arn:<AWS::Partition>:secretsmanager:*:<AWS::AccountId>:secret:${context.secretNamePrefix}*`,
        `reads the GitHub artifact accounts' tokens, secret references in the artifacts setting, only secrets named '${context.secretNamePrefix}…' in this account (the ARN adds a random suffix; a reference names its own region); the function refuses other names before asking.`,
      );
    }
  }
  if (needs.includes('readSecrets')) {
    acknowledge(
      `arn:<AWS::Partition>:secretsmanager:*:<AWS::AccountId>:secret:${context.secretNamePrefix}*`,
      `resolves the secret references of webhook stages, preconfigured webhooks and Jenkins masters when a stage calls out, and notification webhook URLs when the notifier posts (pipelines can change without a platform deploy, and a reference names its own region); only secrets named '${context.secretNamePrefix}…' in this account (the ARN adds a random suffix); before asking, the function refuses other names and, for a pipeline's own references, names outside '${context.secretNamePrefix}<application>/…' and the secretAccess setting's shared ones (one role serves every application, so that check is the function's, not IAM's).`,
    );
  }
  if (needs.includes('cloudDriver')) {
    acknowledge(
      'arn:<AWS::Partition>:cloudwatch:*:<AWS::AccountId>:alarm:*',
      'checks the rollbackAlarms a deploy names (read only, cloudwatch:DescribeAlarms): alarm names come from pipelines at run time, in any region a cluster is in, this account only.',
    );
    const tagged = `every create must carry the ${MANAGED_TAG} tag in the request and every change or delete needs it on the resource (aws:RequestTag / aws:ResourceTag conditions), so only what Gennaker made is changed`;
    for (const type of ['launch-template', 'instance', 'snapshot', 'volume', 'network-interface']) {
      acknowledge(
        `arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${type}/*`,
        `${type}s are named at run time in any region a cluster is in, this account only; ${tagged}.`,
      );
    }
    acknowledge(
      'arn:<AWS::Partition>:ec2:*::image/*',
      `images are found or baked at run time (base images may belong to other accounts, so the ARN has none); RunInstances only reads them, CreateTags may not add ${TAG_PREFIX} keys, and CreateImage/DeregisterImage are tag-conditioned: ${tagged}.`,
    );
    for (const type of ['subnet', 'security-group', 'key-pair']) {
      acknowledge(
        `arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${type}/*`,
        `RunInstances uses the ${type}s a deploy or bake names at run time (used, not changed), this account only.`,
      );
    }
    acknowledge(
      'arn:<AWS::Partition>:autoscaling:*:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/*',
      `server group names are made at run time (Frigga names in any region a cluster is in), this account only; ${tagged}.`,
    );
  }
  if (needs.includes('clusterView') || needs.includes('lambdaDeploys')) {
    const lambdaWhy = needs.includes('lambdaDeploys')
      ? `function names are made at run time (the plugin's <application>-<name>) in any region, this account only; reads are unconditioned, every create must carry the ${MANAGED_TAG} tag in the request and every change, publish, alias, invoke or delete needs it on the function (or a name prefix the settings list)`
      : 'the cluster view reads the functions of an application (read only), any region, this account only';
    acknowledge('arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:*', `${lambdaWhy}.`);
    acknowledge('arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:*:*', `versions and aliases of those functions: ${lambdaWhy}.`);
  }
  if (needs.includes('lambdaDeploys')) {
    acknowledge(
      'arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:event-source-mapping:*',
      "mapping ids are made by Lambda at run time; lambda:FunctionArn keeps them to functions matching the settings' function prefixes (any function of this account when none are listed; a mapping only sends events to a function).",
    );
    for (const prefix of context.launchPermissions.functionPrefixes) {
      acknowledge(
        `arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:${prefix}*`,
        `functions named '${prefix}…' are Gennaker's by the platform settings (functionPrefixes), this account only.`,
      );
      acknowledge(
        `arn:<AWS::Partition>:lambda:*:<AWS::AccountId>:function:${prefix}*:*`,
        `versions and aliases of functions named '${prefix}…' (functionPrefixes), this account only.`,
      );
    }
  }
  if (needs.includes('trafficShifts')) {
    acknowledge(
      `arn:<AWS::Partition>:elasticloadbalancing:*:<AWS::AccountId>:targetgroup/${CANARY_NAME_PREFIX}*/*`,
      `progressive deploys' canary target groups, named '${CANARY_NAME_PREFIX}<hash of the deploy>' at run time in any region a cluster is in, this account only; CreateTargetGroup must carry ${MANAGED_TAG} in the request, AddTags only while creating (elasticloadbalancing:CreateAction), DeleteTargetGroup needs the tag on the target group.`,
    );
    acknowledge(
      'arn:<AWS::Partition>:elasticloadbalancing:*:<AWS::AccountId>:listener/app/*',
      "progressive deploys weight the default action of the Application Load Balancer listeners that forward to a cluster's target group, found at run time (the application's own listeners carry no Gennaker tag), this account only; the function changes only a forward to the cluster's target group alone and refuses others by name.",
    );
    acknowledge(
      'arn:<AWS::Partition>:elasticloadbalancing:*:<AWS::AccountId>:listener-rule/app/*',
      "progressive deploys weight the listener rules that forward to a cluster's target group, found at run time (the application's own rules carry no Gennaker tag), this account only; the function changes only a forward to the cluster's target group alone and refuses others by name.",
    );
  }
  if (needs.includes('ecsServices')) {
    const tagged = `CreateService and RegisterTaskDefinition must carry ${MANAGED_TAG} in the request, UpdateService/DeleteService/TagResource/UntagResource need it on the service`;
    acknowledge(
      'arn:<AWS::Partition>:ecs:*:<AWS::AccountId>:service/*',
      `ECS server group names (<cluster>-vNNN) are made at run time in any region and ECS cluster a deploy names, this account only; ${tagged}.`,
    );
    acknowledge(
      'arn:<AWS::Partition>:ecs:*:<AWS::AccountId>:task-definition/*',
      `each ECS deploy registers a task definition revision in the family named like its service (made at run time) and deregisters it when the service is destroyed, this account only; ${tagged}.`,
    );
    acknowledge(
      'arn:<AWS::Partition>:application-autoscaling:*:<AWS::AccountId>:scalable-target/*',
      `copySourceScalingPoliciesAndActions registers a scalable target for each new ECS service (its id is made by AWS at run time), this account only; RegisterScalableTarget and TagResource must carry ${MANAGED_TAG} in the request, PutScalingPolicy and PutScheduledAction need it on the target. DeleteScalingPolicy, DeleteScheduledAction and DeregisterScalableTarget are not tag-conditioned: destroying a service Gennaker made (ecs:DeleteService needs ${MANAGED_TAG} on the service) removes its scaling, which the service's owner may have registered untagged; the function names the target by that service's resource id, and IAM has no condition key for it.`,
    );
    acknowledge(
      'arn:<AWS::Partition>:cloudwatch:*:<AWS::AccountId>:alarm:TargetTracking-service/*',
      "a copied target tracking policy's CloudWatch alarms are created and deleted by Application Auto Scaling in the caller's name, under names it chooses (TargetTracking-service/<ecs cluster>/<service>-…), this account only.",
    );
  }
  if (needs.includes('runTasks')) {
    acknowledge(
      'arn:<AWS::Partition>:ecs:*:<AWS::AccountId>:task/*',
      `watches the tasks runJob started (ids made by ECS at run time) and may stop and tag only tasks carrying ${MANAGED_TAG} (its own, tagged by RunTask), this account only.`,
    );
    for (const family of context.launchPermissions.taskFamilies) {
      acknowledge(
        `arn:<AWS::Partition>:ecs:*:<AWS::AccountId>:task-definition/${family}:*`,
        `runs the task definition family '${family}' the platform settings allow, any revision (runJob names one at run time), this account only.`,
      );
    }
  }
}

/** Publishing on a KMS-encrypted topic: SNS asks KMS for a data key on the publisher's behalf. */
function grantPublish(fn: GennakerFunction, notifications: NotificationTopic): void {
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [notifications.topic.topicArn] }));
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [notifications.key.keyArn] }));
}

function grantTable(fn: GennakerFunction, key: TableKey, tables: PlatformTables): void {
  const table = tables.table(key);
  const indexArns = TABLES[key].indexes.map((index) => `${table.tableArn}/index/${index.name}`);
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS[key]], resources: [table.tableArn, ...indexArns] }));
}

function grantStart(fn: GennakerFunction, audience: 'children' | 'all', registry: PipelineRegistry): void {
  let statement: PolicyStatement | undefined;
  registry.onStartable(audience, (arn) => {
    if (statement) {
      statement.addResources(arn);
      return;
    }
    statement = new PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] });
    fn.role.addToPrincipalPolicy(statement);
  });
}
