/**
 * An audit of every IAM policy the app synthesizes (platform and pipeline stacks, with and without
 * platform settings): no mutating EC2, Auto Scaling, Application Auto Scaling, ELBv2, ECS, IAM or Lambda action may be
 * allowed on `*` without a condition, and the cloud driver's creates, changes and deletes are
 * scoped by Gennaker's tag; cdk-nag runs on both, so every new wildcard needs its acknowledgement. Other families' grants (ECS and Lambda deploys) are held to the same rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGennakerApp } from '../../../infra/gennaker-app.js';
import { REPO_ROOT } from '../../../infra/paths.js';
import type { PlatformSettings } from '../../../infra/platform/configuration.js';
import type { PlatformProps } from '../../../infra/platform/platform.js';

const DEPLOY_FIXTURES = join(REPO_ROOT, 'test', 'integration', 'infra', 'fixtures', 'pipelines');
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Every Allow statement of every policy in every stack, with the policy's logical id. */
function statementsOf(settings?: PlatformSettings, platform: Partial<PlatformProps> = {}): Array<{ policy: string; statement: Statement }> {
  const outdir = mkdtempSync(join(tmpdir(), 'gennaker-iam-'));
  outdirs.push(outdir);
  const app = new App({ outdir, analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
  const built = buildGennakerApp(app, { pipelinesDir: DEPLOY_FIXTURES, nag: true, platform: { ...platform, ...(settings ? { settings } : {}) } });
  const assembly = app.synth();
  const found: Array<{ policy: string; statement: Statement }> = [];
  for (const stack of [built.platformStack, ...built.pipelineStacks] as Stack[]) {
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    for (const [id, resource] of Object.entries(template.Resources)) {
      const documents: unknown[] = [];
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') documents.push(resource.Properties.PolicyDocument);
      if (resource.Type === 'AWS::IAM::Role') {
        for (const p of (resource.Properties.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) documents.push(p.PolicyDocument);
      }
      for (const document of documents) {
        for (const statement of (document as { Statement: Statement[] }).Statement) {
          if (statement.Effect === 'Allow') found.push({ policy: `${stack.stackName}/${id}`, statement });
        }
      }
    }
  }
  return found;
}

const AUDITED = /^(ec2|autoscaling|application-autoscaling|elasticloadbalancing|ecs|iam|lambda):/;
/** Reads: Describe*, List*, Get* (GetConsoleOutput included). Anything else, wildcards too, mutates. */
const READ_ONLY = /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/;

function violations(found: Array<{ policy: string; statement: Statement }>): string[] {
  const problems: string[] = [];
  for (const { policy, statement } of found) {
    const resources = [statement.Resource].flat();
    if (!resources.includes('*') || statement.Condition !== undefined) continue;
    for (const action of [statement.Action].flat()) {
      if (AUDITED.test(action) && !READ_ONLY.test(action)) problems.push(`${policy}: ${action} on * without a condition`);
    }
  }
  return problems;
}

const SETTINGS: PlatformSettings = {
  launchPermissions: {
    document: {
      instanceRoles: ['app-instance', 'arn:aws:iam::123456789012:role/shared/other-instance'],
      taskRoles: ['migrations-task'],
      taskFamilies: ['db-migrate', 'smoke-test'],
    },
  },
};
const bare = statementsOf();
const withSettings = statementsOf(SETTINGS);

describe('IAM audit of the synthesized app', () => {
  it.each([
    ['without settings', bare],
    ['with launchPermissions', withSettings],
  ])('GIVEN the app %s WHEN every policy is read THEN no mutating EC2/AutoScaling/ELBv2/ECS/IAM/Lambda action is on * without a condition', (_name, found) => {
    expect(found.length).toBeGreaterThan(20);
    expect(violations(found)).toEqual([]);
  });

  it('GIVEN a policy that grants a mutation on * WHEN audited THEN the audit names it (the audit can fail)', () => {
    const planted = [
      { policy: 'X/Policy', statement: { Effect: 'Allow', Action: ['ec2:TerminateInstances', 'ec2:DescribeInstances'], Resource: '*' } },
      { policy: 'X/Policy', statement: { Effect: 'Allow', Action: 'lambda:UpdateAlias', Resource: ['*'] } },
      { policy: 'X/Policy', statement: { Effect: 'Allow', Action: 'ecs:*', Resource: '*' } },
      {
        policy: 'X/Policy',
        statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
      },
    ];
    expect(violations(planted)).toEqual([
      'X/Policy: ec2:TerminateInstances on * without a condition',
      'X/Policy: lambda:UpdateAlias on * without a condition',
      'X/Policy: ecs:* on * without a condition',
    ]);
  });

  it('GIVEN the cloud driver WHEN its mutations are read THEN creates need the tag in the request and changes need it on the resource', () => {
    const mutations = withSettings
      .filter(({ policy }) => policy.includes('PlatformCloudRole'))
      .map(({ statement }) => statement)
      .filter((s) => [s.Action].flat().some((a) => /^(ec2|autoscaling|elasticloadbalancing):/.test(a) && !READ_ONLY.test(a)));
    const conditionOf = (action: string) => mutations.filter((s) => [s.Action].flat().includes(action)).map((s) => JSON.stringify(s.Condition ?? null));
    const requestTagged = JSON.stringify({ Null: { 'aws:RequestTag/gennaker:application': 'false' } });
    const resourceTagged = JSON.stringify({ Null: { 'aws:ResourceTag/gennaker:application': 'false' } });
    for (const action of ['ec2:CreateLaunchTemplate', 'autoscaling:CreateAutoScalingGroup']) expect(conditionOf(action), action).toEqual([requestTagged]);
    for (const action of [
      'autoscaling:DeleteAutoScalingGroup',
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:SuspendProcesses',
      'autoscaling:ResumeProcesses',
      'autoscaling:AttachLoadBalancerTargetGroups',
      'autoscaling:DetachLoadBalancerTargetGroups',
      'autoscaling:PutScalingPolicy',
      'ec2:TerminateInstances',
      'ec2:DeleteLaunchTemplate',
      'ec2:CreateLaunchTemplateVersion',
      'ec2:DeregisterImage',
    ]) {
      expect(conditionOf(action), action).toEqual([resourceTagged]);
    }
    // RunInstances: the instance must be tagged in the request; what it uses is read, a launch template must be Gennaker's.
    expect(conditionOf('ec2:RunInstances')).toEqual(expect.arrayContaining([requestTagged, resourceTagged, 'null']));
    // Progressive deploys: canary target groups made tagged and removed only tagged.
    expect(conditionOf('elasticloadbalancing:CreateTargetGroup')).toEqual([requestTagged]);
    expect(conditionOf('elasticloadbalancing:DeleteTargetGroup')).toEqual([resourceTagged]);
    const unconditioned = mutations.filter((s) => s.Condition === undefined);
    expect(unconditioned.map((s) => s.Action)).toEqual(['ec2:RunInstances', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule']);
    expect(JSON.stringify(unconditioned[0]!.Resource)).not.toMatch(/instance\/\*|launch-template/);
    // The application's own listeners carry no Gennaker tag: ALB listeners and rules by ARN, never *.
    expect(unconditioned.slice(1).map((s) => JSON.stringify(s.Resource))).toEqual([
      expect.stringContaining(':listener/app/*'),
      expect.stringContaining(':listener-rule/app/*'),
    ]);
  });

  it('GIVEN launchPermissions WHEN synthesized THEN PassRole names exactly the listed roles and RunTask exactly the listed families', () => {
    const of = (fn: string, action: string) =>
      withSettings.filter(({ policy, statement }) => policy.includes(fn) && [statement.Action].flat().includes(action)).map(({ statement }) => statement);
    // Instance profiles towards EC2 (launch templates), task roles towards ECS tasks (ECS deploys).
    const cloudPass = of('PlatformCloudRole', 'iam:PassRole');
    expect(cloudPass.map((s) => s.Condition)).toEqual([
      { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    ]);
    expect(JSON.stringify(cloudPass[1]!.Resource)).toContain(':role/migrations-task');
    expect(JSON.stringify(cloudPass[1]!.Resource)).not.toContain('app-instance');
    const resources = JSON.stringify(cloudPass[0]!.Resource);
    expect(resources).toContain(':role/app-instance');
    expect(resources).toContain('arn:aws:iam::123456789012:role/shared/other-instance');
    expect(JSON.stringify(of('PlatformExternalRole', 'iam:PassRole'))).toContain(':role/migrations-task');
    expect(JSON.stringify(of('PlatformExternalRole', 'iam:PassRole'))).not.toContain('app-instance');
    const runTask = of('PlatformExternalRole', 'ecs:RunTask');
    expect(runTask).toHaveLength(1);
    const families = JSON.stringify(runTask[0]!.Resource);
    expect(families).toContain('task-definition/db-migrate:*');
    expect(families).toContain('task-definition/smoke-test:*');
    expect(families).not.toContain('task-definition/*');
  });

  it('GIVEN the cloud function WHEN synthesized THEN its ECS deploys create tagged and change only tagged services', () => {
    const of = (action: string) =>
      withSettings
        .filter(({ policy, statement }) => policy.includes('PlatformCloudRole') && [statement.Action].flat().includes(action))
        .map(({ statement }) => statement);
    expect(of('ecs:CreateService').map((s) => s.Condition)).toEqual([{ Null: { 'aws:RequestTag/gennaker:application': 'false' } }]);
    expect(of('ecs:RegisterTaskDefinition').map((s) => s.Condition)).toEqual([{ Null: { 'aws:RequestTag/gennaker:application': 'false' } }]);
    expect(of('ecs:UpdateService').map((s) => s.Condition)).toEqual([{ Null: { 'aws:ResourceTag/gennaker:application': 'false' } }]);
    expect(of('ecs:DeleteService').map((s) => s.Condition)).toEqual([{ Null: { 'aws:ResourceTag/gennaker:application': 'false' } }]);
    // The canary family drives EC2 only.
    expect(
      withSettings.filter(({ policy, statement }) => policy.includes('PlatformCanaryRole') && [statement.Action].flat().some((a) => a.startsWith('ecs:'))),
    ).toEqual([]);
  });

  it('GIVEN a bad launchPermissions setting WHEN synthesized THEN synth fails naming the entry', () => {
    expect(() => statementsOf({ launchPermissions: { document: { taskFamilies: ['bad family!'] } } })).toThrow(/taskFamilies\[0\]: "bad family!"/);
  });

  it('GIVEN a webhook secret and a git trigger with its own secret WHEN synthesized THEN the webhook functions read exactly those secrets', () => {
    const found = statementsOf(undefined, {
      webhookSecret: 'gennaker/hooks',
      pipelineDocuments: [
        { application: 'shop', name: 'own', triggers: [{ type: 'git', source: 'github', project: 'o', slug: 'r', secret: 'shop/own-hook' }], stages: [] },
      ],
    });
    const reads = (fn: string) =>
      found
        .filter(({ policy, statement }) => policy.includes(fn) && [statement.Action].flat().some((a) => a.startsWith('secretsmanager:')))
        .map(({ statement }) => statement);
    const git = reads('PlatformGitRole');
    expect(git.map((s) => s.Action)).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(git[0]!.Resource)).toContain(':secret:gennaker/hooks-??????');
    expect(JSON.stringify(git[1]!.Resource)).toContain(':secret:shop/own-hook-??????');
    const ci = reads('PlatformCiRole');
    expect(ci).toHaveLength(1);
    expect(JSON.stringify(ci[0]!.Resource)).not.toContain('own-hook');
    expect(reads('PlatformCronRole')).toEqual([]);
  });
});
