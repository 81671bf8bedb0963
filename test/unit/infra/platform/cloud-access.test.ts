/**
 * The cloud function's role allows every AWS call its code can make: the SDK commands are read from
 * the source (every module the cloud handler imports, transitively) and each must be allowed by an
 * Allow statement of the synthesized PlatformCloudRole policy. A new call without its grant (a
 * deployed stack would refuse it, which the emulator never does) fails here. The progressive
 * driver's writes are checked for their scoping too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../infra/paths.js';
import { PlatformStack } from '../../../../infra/stacks/platform-stack.js';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** SDK client package → IAM service prefix, where they differ. */
const PREFIX: Readonly<Record<string, string>> = {
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  'auto-scaling': 'autoscaling',
  'application-auto-scaling': 'application-autoscaling',
  sfn: 'states',
  'secrets-manager': 'secretsmanager',
};
/** Command → IAM action, where the names differ. */
const ACTION: Readonly<Record<string, string>> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

/** Calls the cloud function's code holds but never makes deployed, and grants that depend on settings. */
const NOT_IN_ITS_POLICY: Readonly<Record<string, string>> = {
  'dynamodb:CreateTable': 'local environment only (functions/core/tables.ts ensureTables); deployed tables are the stack’s',
  'dynamodb:DescribeTable': 'local environment only (ensureTables)',
  'states:StartExecution': 'pipeline-launcher.ts is reached through the shared end-of-execution code; the cloud function never ends an execution',
  'sts:AssumeRole': 'granted per account role the settings name (grantAssumeRoles), none without',
  's3:GetObject': 'granted on the buckets the artifacts setting lists (grantArtifactReads), none without',
  'secretsmanager:GetSecretValue': 'granted for GitHub artifact tokens when the artifacts setting has some (grantArtifactReads), none without',
};

/** `{ "<package>:<Command>": "<file>" }` for every `new XCommand(` in the modules `entry` imports, transitively (lazy `import()`s too: the stages load on first call). */
function sdkCalls(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const calls = new Map<string, string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const packageOf = new Map<string, string>();
    for (const m of text.matchAll(/(?:(?:import|export)\s[^'";]*?from\s+|import\(\s*)'([^']+)'/gs)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const source = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(source)) walk(source);
      } else if (spec.startsWith('@aws-sdk/client-')) {
        for (const name of m[0].matchAll(/(\w+)Command\b/g)) packageOf.set(name[1]!, spec.slice('@aws-sdk/client-'.length));
      }
    }
    for (const m of text.matchAll(/new (\w+)Command\(/g)) {
      const pkg = packageOf.get(m[1]!);
      if (pkg) calls.set(`${PREFIX[pkg] ?? pkg}:${m[1]}`, relative(REPO_ROOT, file));
    }
  };
  walk(join(REPO_ROOT, entry));
  return calls;
}

const pattern = (action: string) => new RegExp(`^${action.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

describe('the cloud function’s role', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new PlatformStack(app, 'CloudAccess'));
  // A role's policy that outgrows IAM's size limit continues in managed policies (CDK splits it).
  const statements: Statement[] = Object.entries({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') })
    .filter(([id]) => id.startsWith('PlatformCloudRole'))
    .flatMap(([, p]) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  const granting = (action: string) => statements.filter((s) => [s.Action].flat().some((a) => pattern(a).test(action)));
  const calls = sdkCalls('functions/stages/cloud/handler.ts');

  it('GIVEN the SDK commands in the cloud handler’s modules WHEN the policy is read THEN each call is allowed', () => {
    // The progressive driver's calls are among those read from the source (the reader found them).
    for (const call of ['ModifyRule', 'ModifyListener', 'CreateTargetGroup', 'DeleteTargetGroup', 'DescribeRules', 'DescribeListeners']) {
      expect(calls.has(`elasticloadbalancing:${call}`), call).toBe(true);
    }
    expect(calls.has('cloudwatch:GetMetricData') && calls.has('cloudwatch:DescribeAlarms')).toBe(true);
    const missing = [...calls]
      .map(([command, file]) => [ACTION[command] ?? command, file] as const)
      .filter(([action]) => !(action in NOT_IN_ITS_POLICY) && granting(action).length === 0)
      .map(([action, file]) => `${action} (${file})`);
    expect(missing).toEqual([]);
  });

  it('GIVEN a call nothing grants WHEN checked THEN it is found missing (the check can fail)', () => {
    expect(granting('elasticloadbalancing:DeleteLoadBalancer')).toEqual([]);
    expect(granting('cloudwatch:SetAlarmState')).toEqual([]);
  });

  it('GIVEN the progressive driver WHEN its writes are read THEN canary target groups are made and removed tagged, by name, and listener changes name ALB listeners', () => {
    const text = (v: unknown) => JSON.stringify(v);
    const only = (action: string) => {
      const found = granting(action);
      expect(found, action).toHaveLength(1);
      return found[0]!;
    };
    const create = only('elasticloadbalancing:CreateTargetGroup');
    expect(create.Condition).toEqual({ Null: { 'aws:RequestTag/gennaker:application': 'false' } });
    expect(text(create.Resource)).toContain(':targetgroup/gk-canary-*/*');
    expect(only('elasticloadbalancing:AddTags').Condition).toEqual({ StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateTargetGroup' } });
    const remove = only('elasticloadbalancing:DeleteTargetGroup');
    expect(remove.Condition).toEqual({ Null: { 'aws:ResourceTag/gennaker:application': 'false' } });
    expect(text(remove.Resource)).toContain(':targetgroup/gk-canary-*/*');
    expect(text(only('elasticloadbalancing:ModifyRule').Resource)).toContain(':listener-rule/app/*');
    expect(text(only('elasticloadbalancing:ModifyListener').Resource)).toContain(':listener/app/*');
    expect(only('autoscaling:DeleteTags').Condition).toEqual({ Null: { 'aws:ResourceTag/gennaker:application': 'false' } });
    expect(only('cloudwatch:GetMetricData').Resource).toBe('*');
  });
});

describe('the cloud function’s artifact reads', () => {
  const policyOf = (settings?: Record<string, unknown>) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PlatformStack(app, 'ArtifactAccess', settings ? { platform: { settings: { artifacts: { document: settings } } } } : {});
    const template = Template.fromStack(stack);
    return Object.entries({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') })
      .filter(([id]) => id.startsWith('PlatformCloudRole'))
      .flatMap(([, p]) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  };
  const s3 = (statements: Statement[]) => statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));

  it('GIVEN no artifacts setting THEN no S3 action is granted at all', () => {
    expect(s3(policyOf())).toEqual([]);
  });

  it('GIVEN listed buckets THEN s3:GetObject (and versions) on exactly their objects, nothing else of S3', () => {
    const found = s3(policyOf({ s3: { buckets: ['deploy-artifacts', 'more-artifacts'] } }));
    expect(found).toHaveLength(1);
    expect([found[0]!.Action].flat().sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(JSON.stringify(found[0]!.Resource)).toContain(':s3:::deploy-artifacts/*');
    expect(JSON.stringify(found[0]!.Resource)).toContain(':s3:::more-artifacts/*');
    expect([found[0]!.Resource].flat()).toHaveLength(2);
  });
});
