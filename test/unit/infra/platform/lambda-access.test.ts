/**
 * Least privilege for Lambda deploys: only the cloud function may change functions, only ones
 * carrying Gennaker's tag or named with a prefix from the settings; iam:PassRole only for the
 * listed execution roles, only towards Lambda; the canary and external functions get none of it.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PlatformStack } from '../../../../infra/stacks/platform-stack.js';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

describe('Lambda deploy permissions', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PlatformStack(app, 'LambdaAccess', {
    platform: { settings: { launchPermissions: { document: { functionRoles: ['app-lambda'], functionPrefixes: ['legacy-'] } } } },
  });
  const template = Template.fromStack(stack);
  const statementsOf = (prefix: string): Statement[] =>
    Object.entries({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') })
      .filter(([id]) => id.startsWith(prefix))
      .flatMap(([, p]) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  const granting = (prefix: string, action: string) => statementsOf(prefix).filter((s) => [s.Action].flat().includes(action));
  const text = (v: unknown) => JSON.stringify(v);

  it('creates functions only with the tag in the request, changes them only with it on the function or a listed prefix', () => {
    const create = granting('PlatformCloudRole', 'lambda:CreateFunction');
    expect(create.map((s) => s.Condition)).toEqual([{ Null: { 'aws:RequestTag/gennaker:application': 'false' } }]);
    const update = granting('PlatformCloudRole', 'lambda:UpdateFunctionCode');
    expect(update).toHaveLength(2);
    expect(update[0]!.Condition).toEqual({ Null: { 'aws:ResourceTag/gennaker:application': 'false' } });
    expect(update[1]!.Condition).toBeUndefined();
    expect(text(update[1]!.Resource)).toMatch(/function:legacy-\*"/);
    expect(text(update[1]!.Resource)).toMatch(/function:legacy-\*:\*"/);
  });

  it('reads and sets provisioned concurrency only on functions it may change', () => {
    expect(granting('PlatformCloudRole', 'lambda:GetProvisionedConcurrencyConfig')).toHaveLength(1);
    const put = granting('PlatformCloudRole', 'lambda:PutProvisionedConcurrencyConfig');
    expect(put.map((s) => s.Condition)).toEqual([{ Null: { 'aws:ResourceTag/gennaker:application': 'false' } }, undefined]);
    expect(granting('PlatformCloudRole', 'lambda:DeleteProvisionedConcurrencyConfig')).toHaveLength(2);
  });

  it('passes only the listed execution roles, only to Lambda', () => {
    const pass = granting('PlatformCloudRole', 'iam:PassRole').filter((s) => text(s.Condition).includes('lambda.amazonaws.com'));
    expect(pass).toHaveLength(1);
    expect(text(pass[0]!.Resource)).toMatch(/:role\/app-lambda"/);
  });

  it('gives the canary, external and engine functions no Lambda deploy rights', () => {
    for (const role of ['PlatformCanaryRole', 'PlatformExternalRole', 'PlatformEngineRole']) {
      expect(granting(role, 'lambda:CreateFunction'), role).toEqual([]);
      expect(granting(role, 'lambda:UpdateFunctionCode'), role).toEqual([]);
    }
  });
});
