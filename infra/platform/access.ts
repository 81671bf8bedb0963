/**
 * Turns a handler's needs into IAM statements on this platform's resources, naming every action
 * and resource (no managed policies, no `dynamodb:*`). Actions whose only IAM resource is `*`
 * (X-Ray, SendTask*) are acknowledged for cdk-nag where they are granted, with the reason.
 */
import { ArnFormat, Aws, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { TABLES, type TableKey } from '../../functions/core/tables.js';
import type { Need } from './catalog.js';
import type { GennakerFunction } from './functions.js';
import type { NotificationTopic } from './notifications.js';
import type { PipelineRegistry } from './registry.js';
import type { PlatformTables } from './tables.js';

/** Exactly the DynamoDB calls functions/core makes on each table. */
const TABLE_ACTIONS: Readonly<Record<TableKey, readonly string[]>> = {
  executions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
  // Releasing an execution's locks scans for its holder (locks-release.ts): the table holds only live locks.
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
  /** Secrets the functions may read are named `${secretNamePrefix}...` (Jenkins credentials). */
  readonly secretNamePrefix: string;
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
      case 'cloudDriver':
        grantCloudDriver(fn);
        break;
      case 'clusterView':
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: CLUSTER_VIEW_ACTIONS, resources: ['*'] }));
        break;
      case 'stopExecutions':
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['states:StopExecution'], resources: [executionArnPattern(fn, context.namePrefix)] }),
        );
        break;
      case 'resumeTasks':
        grantTaskResponse(fn);
        break;
      case 'runTasks':
        grantRunTasks(fn);
        break;
      case 'readMetrics':
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
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

/** Exactly the calls functions/core/cloud makes (deploy, resize, enable/disable, images, bake). */
const CLOUD_DRIVER_ACTIONS = [
  'ec2:CreateImage', 'ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:CreateTags', 'ec2:DeleteLaunchTemplate',
  'ec2:DeregisterImage', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeKeyPairs', 'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeLaunchTemplates', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:GetConsoleOutput', 'ec2:RunInstances',
  'ec2:TerminateInstances',
  'autoscaling:AttachLoadBalancerTargetGroups', 'autoscaling:CreateAutoScalingGroup', 'autoscaling:CreateOrUpdateTags',
  'autoscaling:DeleteAutoScalingGroup', 'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribePolicies',
  'autoscaling:DetachLoadBalancerTargetGroups', 'autoscaling:PutScalingPolicy', 'autoscaling:ResumeProcesses',
  'autoscaling:SuspendProcesses', 'autoscaling:UpdateAutoScalingGroup',
  'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
];

/**
 * Exactly the calls of the cluster view (functions/api/clusters.ts → core/cloud/cluster.ts,
 * health.ts, launch-templates.ts): list the groups, read each group's launch template version for
 * image and instance type, read target health. Nothing that writes.
 */
const CLUSTER_VIEW_ACTIONS = ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeLaunchTemplateVersions', 'elasticloadbalancing:DescribeTargetHealth'];

/** Every execution of this platform's state machines: `arn:…:execution:<prefix>-*` (the execution name follows a colon). */
function executionArnPattern(fn: GennakerFunction, namePrefix: string): string {
  return Stack.of(fn).formatArn({ service: 'states', resource: 'execution', resourceName: `${namePrefix}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** Secrets named `<prefix>…` (Secrets Manager appends `-` and six characters to the name in the ARN). */
function secretArnPattern(fn: GennakerFunction, prefix: string): string {
  return Stack.of(fn).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * runJob (functions/stages/external/run-job): RunTask on task definitions, DescribeTasks/StopTask on
 * tasks, ListTasks (finding a task started before a retry) and DescribeTaskDefinition (essential
 * containers and log settings), in this account, any region the stage names. Task definitions carry
 * task and execution roles: PassRole only towards ECS tasks.
 */
function grantRunTasks(fn: GennakerFunction): void {
  const ecsArn = (resource: string) => `arn:${Aws.PARTITION}:ecs:*:${Aws.ACCOUNT_ID}:${resource}/*`;
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecs:RunTask'], resources: [ecsArn('task-definition')] }));
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [ecsArn('task')] }));
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecs:ListTasks', 'ecs:DescribeTaskDefinition'], resources: ['*'] }));
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }),
  );
}

/** Alarm gates (functions/core/gates/alarms.ts) read alarms: any region, this account's alarms only. */
const alarmArnPattern = () => `arn:${Aws.PARTITION}:cloudwatch:*:${Aws.ACCOUNT_ID}:alarm:*`;

function grantCloudDriver(fn: GennakerFunction): void {
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: CLOUD_DRIVER_ACTIONS, resources: ['*'] }));
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmArnPattern()] }));
  // Launch templates and bake instances carry the account's instance profile.
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'], conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }),
  );
}

/**
 * sts:AssumeRole on exactly the roles the platform's accounts name (functions/core/cloud/credentials.ts
 * assumes them per account); nothing when no account names one.
 */
export function grantAssumeRoles(fn: GennakerFunction, roleArns: readonly string[]): void {
  if (roleArns.length === 0) return;
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [...roleArns] }));
}

/** lambda:InvokeFunction on exactly the stage functions that clean up after canceled stages. */
export function grantStageCleanup(fn: GennakerFunction, targets: readonly GennakerFunction[]): void {
  if (targets.length === 0) return;
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets.map((t) => t.function.functionArn) }));
}

/** SendTaskSuccess for a callback stage that finished without waiting (lambda-handler.ts). */
export function grantTaskResponse(fn: GennakerFunction): void {
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
}

/** Acknowledges the `*` resources the function's role must have, naming which. */
export function acknowledgeWildcards(fn: GennakerFunction, needs: readonly Need[], taskResponse: boolean, context: Pick<AccessContext, 'namePrefix' | 'secretNamePrefix'>): void {
  const what = [
    'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing)',
    ...(taskResponse ? ['states:SendTaskSuccess (resuming its callback stages by task token)'] : []),
    ...(needs.includes('resumeTasks') ? ['states:SendTaskSuccess (answering manual judgments by the task token stored with the stage)'] : []),
    ...(needs.includes('clusterView')
      ? ['the cluster view\'s read-only autoscaling:DescribeAutoScalingGroups, ec2:DescribeLaunchTemplateVersions and elasticloadbalancing:DescribeTargetHealth (Describe* take no narrower resource)']
      : []),
    ...(needs.includes('runTasks')
      ? ['ecs:ListTasks and ecs:DescribeTaskDefinition (no narrower resource) and iam:PassRole limited to ecs-tasks.amazonaws.com for the task definitions\' task and execution roles']
      : []),
    ...(needs.includes('readMetrics') ? ['cloudwatch:GetMetricData (canary metrics; it takes no resource)'] : []),
    ...(needs.includes('cloudDriver')
      ? ['the cloud driver\'s EC2, Auto Scaling and ELBv2 calls (Describe* take no narrower resource; groups, launch templates, images and instances get their names and ids at run time) and iam:PassRole limited to ec2.amazonaws.com for instance profiles']
      : []),
  ];
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${fn.node.id} needs ${what.join(' and ')}; IAM supports no resource narrower than '*' for these actions.`,
  });
  // Resource patterns: the names exist only at run time, the pattern keeps them to this platform or account.
  if (needs.includes('stopExecutions')) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${context.namePrefix}-*]`,
      reason: `${fn.node.id} cancels runs: states:StopExecution on executions of this platform's state machines only (names start with '${context.namePrefix}-'); execution names are made at run time.`,
    });
  }
  if (needs.includes('readSecrets')) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${context.secretNamePrefix}*]`,
      reason: `${fn.node.id} reads Jenkins credentials named in the masters configuration at run time; only secrets named '${context.secretNamePrefix}…' (the ARN adds a random suffix).`,
    });
  }
  if (needs.includes('cloudDriver')) {
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:*:<AWS::AccountId>:alarm:*]',
      reason: `${fn.node.id} checks the rollbackAlarms a deploy names (read only, cloudwatch:DescribeAlarms): alarm names come from pipelines at run time, in any region a cluster is in, this account only.`,
    });
  }
  if (needs.includes('runTasks')) {
    for (const resource of ['task-definition', 'task']) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:*:<AWS::AccountId>:${resource}/*]`,
        reason: `${fn.node.id} runs the ECS task definitions runJob stages name and watches/stops the tasks it started; both are named at run time, in any region the stage targets, in this account only.`,
      });
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

