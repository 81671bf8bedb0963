import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PlatformSettingError } from '../../../../infra/errors.js';
import { REPO_ROOT } from '../../../../infra/paths.js';
import { ResolvedSettings } from '../../../../infra/platform/configuration.js';
import { PlatformStack } from '../../../../infra/stacks/platform-stack.js';

const ACCOUNTS_FILE = join(REPO_ROOT, 'test', 'unit', 'infra', 'fixtures', 'settings', 'accounts.yml');
const GUARDS = { applications: { shop: [{ account: 'prod', region: 'us-east-1', cluster: 'shop-prod' }] } };
const MASTERS = { ci: { url: 'https://jenkins.example' } };

describe('platform settings', () => {
  it('reads a YAML accounts file and names exactly the roles its accounts assume', () => {
    const settings = ResolvedSettings.resolve({ accounts: { file: ACCOUNTS_FILE } });
    expect(settings.assumableRoles).toEqual(['arn:aws:iam::111111111111:role/gennaker-deploy', 'arn:aws:iam::222222222222:role/gennaker-deploy']);
  });

  it('hands each function only the settings its needs read, as JSON files it is pointed at', () => {
    const settings = ResolvedSettings.resolve({
      accounts: { file: ACCOUNTS_FILE },
      trafficGuards: { document: GUARDS },
      jenkinsMasters: { document: MASTERS },
    });
    const cloud = settings.forNeeds(['executions', 'locks', 'cloudDriver']);
    expect(Object.keys(cloud.files).sort()).toEqual(['gennaker-accounts.json', 'gennaker-traffic-guards.json']);
    expect(cloud.environment).toEqual({ GENNAKER_ACCOUNTS_FILE: 'gennaker-accounts.json', GENNAKER_TRAFFIC_GUARDS_FILE: 'gennaker-traffic-guards.json' });
    expect(JSON.parse(cloud.files['gennaker-traffic-guards.json']!)).toEqual(GUARDS);
    expect((JSON.parse(cloud.files['gennaker-accounts.json']!) as { accounts: Record<string, unknown> }).accounts.staging).toMatchObject({
      assumeRole: 'role/gennaker-deploy',
    });
    expect(settings.forNeeds(['executions', 'readSecrets']).environment).toEqual({ GENNAKER_JENKINS_MASTERS_FILE: 'gennaker-jenkins-masters.json' });
    expect(settings.forNeeds(['executions', 'publish'])).toEqual({ files: {}, environment: {} });
    expect(settings.usesAccounts(['clusterView'])).toBe(true);
    expect(settings.usesAccounts(['readSecrets'])).toBe(false);
  });

  it('bundles the preconfigured webhook types beside the functions that run them and those that request their cleanup', () => {
    const settings = ResolvedSettings.resolve({ preconfiguredWebhooks: { document: [{ type: 'bundledHook', url: 'https://hooks.example/x' }] } });
    const expected = { GENNAKER_PRECONFIGURED_WEBHOOKS_FILE: 'gennaker-preconfigured-webhooks.json' };
    expect(settings.forNeeds(['executions', 'readSecrets']).environment).toEqual(expected);
    // The API's cancel and the lifecycle handler: they must know the type's family to ask the external function.
    expect(settings.forNeeds(['executions', 'cancelStages']).environment).toEqual(expected);
    expect(settings.forNeeds(['executions', 'publish']).environment).toEqual({});
  });

  it('warns at synth about a literal credential in a settings file, with the detector pipelines use; references and secret ARNs are not literals', () => {
    const masters = {
      ci: { url: 'https://jenkins.example', user: 'ci', apiToken: '11aa22bb33cc44dd55ee' },
      ref: { url: 'https://jenkins.example', user: 'ci', apiToken: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/jenkins!k:token' },
      legacy: { url: 'https://jenkins.example', user: 'ci', apiToken: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gennaker/jenkins' },
    };
    const hooks = [{ type: 'synthHook', url: 'https://hooks.example/x', customHeaders: { 'X-Api-Key': 'literal-key-98765', Accept: 'application/json' } }];
    const settings = ResolvedSettings.resolve({ jenkinsMasters: { document: masters }, preconfiguredWebhooks: { document: hooks } });
    expect(settings.warnings.map((w) => w.path)).toEqual([
      'setting jenkinsMasters (settings.jenkinsMasters) $.ci.apiToken',
      'setting preconfiguredWebhooks (settings.preconfiguredWebhooks) $[0].customHeaders["X-Api-Key"]',
    ]);
    expect(JSON.stringify(settings.warnings)).not.toMatch(/11aa22bb|literal-key/);
    const notifications = ResolvedSettings.resolve({ notifications: { document: { slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz' } } } });
    expect(notifications.warnings).toEqual([
      {
        path: 'setting notifications (settings.notifications) $.slack.webhookUrl',
        message: expect.stringContaining("'webhookUrl' holds a literal credential"),
      },
    ]);
    expect(() =>
      ResolvedSettings.resolve({
        preconfiguredWebhooks: { document: [{ type: 'h2', url: 'https://h.example', payload: { t: 'encrypted:secrets-manager!s:x' } }] },
      }),
    ).toThrow(
      "Platform setting preconfiguredWebhooks (settings.preconfiguredWebhooks) is not valid: $[0].payload.t: bad secret reference: the region is missing (add '!r:<region>')",
    );

    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PlatformStack(app, 'LiteralSettings', { platform: { settings: { jenkinsMasters: { document: masters } } } });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('apiToken'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      expect.stringMatching(
        /^setting jenkinsMasters \(settings\.jenkinsMasters\) \$\.ci\.apiToken: 'apiToken' holds a literal credential; store it in Secrets Manager/,
      ),
    ]);
  });

  it("refuses at synth a pipeline that references another application's secret, naming the pipeline, the path and the secret; shared ones pass", () => {
    const ref = (name: string) => `encrypted:secrets-manager!r:us-east-1!s:${name}`;
    const pipelineDocuments = [
      {
        application: 'shop',
        name: 'release',
        stages: [
          { refId: '1', type: 'webhook', url: ref('gennaker/shop/hook') },
          { refId: '2', type: 'webhook', url: ref('gennaker/shared/hook') },
          { refId: '3', type: 'webhook', url: ref('gennaker/checkout/hook') },
        ],
      },
    ];
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(
      () => new PlatformStack(app, 'Foreign', { platform: { pipelineDocuments, settings: { secretAccess: { document: { shared: ['gennaker/shared/'] } } } } }),
    ).toThrow(
      new PlatformSettingError(
        "pipelines reference other applications' secrets: pipeline 'release': $.stages[2].url: secret 'gennaker/checkout/hook' is not one application 'shop' may use: its pipelines may reference secrets named 'gennaker/shop/…' and those the secretAccess setting shares with it",
      ),
    );
    const settings = ResolvedSettings.resolve({ secretAccess: { document: { shared: ['gennaker/shared/'] } } });
    expect(settings.forNeeds(['executions', 'readSecrets']).environment).toEqual({ GENNAKER_SECRET_ACCESS_FILE: 'gennaker-secret-access.json' });
  });

  it("refuses a wrong document at synth with the reader's message and the setting named", () => {
    expect(() => ResolvedSettings.resolve({ accounts: { document: { accounts: { prod: { accountId: '123', regions: ['us-east-1'] } } } } })).toThrow(
      expect.objectContaining({
        name: 'PlatformSettingError',
        message: expect.stringMatching(/^Platform setting accounts \(settings\.accounts\) is not valid: .*accountId/s),
      }),
    );
    expect(() => ResolvedSettings.resolve({ jenkinsMasters: { document: { ci: { url: 'ftp://x' } } } })).toThrow(PlatformSettingError);
  });

  it('names a file it cannot read or parse', () => {
    expect(() => ResolvedSettings.resolve({ bake: { file: '/nonexistent/bake.yml' } })).toThrow(/Platform setting bake: cannot read \/nonexistent\/bake\.yml/);
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-settings-'));
    const bad = join(dir, 'guards.yml');
    writeFileSync(bad, 'applications: [unclosed');
    expect(() => ResolvedSettings.resolve({ trafficGuards: { file: bad } })).toThrow(/Platform setting trafficGuards: .*guards\.yml is not valid YAML or JSON/);
  });

  it('lets the functions that act in accounts assume exactly those roles, and no other function', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PlatformStack(app, 'Settings', { platform: { settings: { accounts: { file: ACCOUNTS_FILE } } } });
    const template = Template.fromStack(stack);
    const assumeRoleResources = (prefix: string) => {
      // A large role's statements spread over its default policy and overflow (managed) policies.
      const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
      const statements = Object.entries(policies)
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(
          ([, p]) =>
            (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } } }).Properties.PolicyDocument.Statement,
        );
      return statements.filter((s) => [s.Action].flat().includes('sts:AssumeRole')).map((s) => s.Resource);
    };
    const roles = ['arn:aws:iam::111111111111:role/gennaker-deploy', 'arn:aws:iam::222222222222:role/gennaker-deploy'];
    for (const fn of ['PlatformCloudRole', 'PlatformCanaryRole', 'PlatformExternalRole', 'PlatformApiHandlerRole']) {
      expect(assumeRoleResources(fn), fn).toEqual([roles]);
    }
    for (const fn of ['PlatformEngineRole', 'PlatformFlowRole', 'PlatformLifecycleRole', 'PlatformGitRole']) {
      expect(assumeRoleResources(fn), fn).toEqual([]);
    }
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    const envOf = (prefix: string) =>
      (functions.find(([id]) => id.startsWith(prefix))![1] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment
        .Variables;
    expect(envOf('PlatformCloudFunction').GENNAKER_ACCOUNTS_FILE).toBe('gennaker-accounts.json');
    expect(envOf('PlatformEngineFunction').GENNAKER_ACCOUNTS_FILE).toBeUndefined();
  });
});
