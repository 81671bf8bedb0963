/**
 * Turns a handler's needs into IAM statements on this platform's resources, naming every action
 * and resource (no managed policies, no `dynamodb:*`). Actions whose only IAM resource is `*`
 * (X-Ray, SendTask*) are acknowledged for cdk-nag where they are granted, with the reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
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

function grantCloudDriver(fn: GennakerFunction): void {
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: CLOUD_DRIVER_ACTIONS, resources: ['*'] }));
  // Launch templates and bake instances carry the account's instance profile.
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'], conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }),
  );
}

/** SendTaskSuccess for a callback stage that finished without waiting (lambda-handler.ts). */
export function grantTaskResponse(fn: GennakerFunction): void {
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
}

/** Acknowledges the `*` resources the function's role must have, naming which. */
export function acknowledgeWildcards(fn: GennakerFunction, needs: readonly Need[], taskResponse: boolean): void {
  const what = [
    'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing)',
    ...(taskResponse ? ['states:SendTaskSuccess (resuming its callback stages by task token)'] : []),
    ...(needs.includes('cloudDriver')
      ? ['the cloud driver\'s EC2, Auto Scaling and ELBv2 calls (Describe* take no narrower resource; groups, launch templates, images and instances get their names and ids at run time) and iam:PassRole limited to ec2.amazonaws.com for instance profiles']
      : []),
  ];
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${fn.node.id} needs ${what.join(' and ')}; IAM supports no resource narrower than '*' for these actions.`,
  });
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

