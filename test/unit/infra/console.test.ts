/**
 * The hosted console as synthesized (gennaker:console=true): a private bucket behind CloudFront with
 * origin access control, HTTPS and security headers, /api/* to the HTTP API behind a Cognito JWT
 * authorizer while the CLI's routes keep IAM, groups as roles, notification links to the console,
 * cdk-nag clean; and nothing of it without the flag.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { writeConsoleSync } from '../../../console/build/bundle.js';
import { API_HANDLER } from '../../../infra/platform/catalog.js';
import { buildGennakerApp, optionsFromContext } from '../../../infra/gennaker-app.js';
import { REPO_ROOT } from '../../../infra/paths.js';

const PIPELINES = join(REPO_ROOT, 'test', 'integration', 'infra', 'fixtures', 'pipelines');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'gennaker-console-synth-'));
  dirs.push(outdir);
  // No stack bundles: templates depend on asset hashes, not contents (as synth.test.ts).
  const app = new App({ outdir, analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const built = buildGennakerApp(app, { ...optionsFromContext(app), pipelinesDir: PIPELINES });
  app.synth();
  return Template.fromStack(built.platformStack);
}

// Application permissions naming groups (bare names) and IAM roles (ARNs): the groups become Cognito groups.
const permissionsDir = mkdtempSync(join(tmpdir(), 'gennaker-console-permissions-'));
dirs.push(permissionsDir);
const permissionsFile = join(permissionsDir, 'permissions.yml');
writeFileSync(
  permissionsFile,
  'applications:\n  shop:\n    READ: [developers, approvers]\n    EXECUTE: [arn:aws:iam::111111111111:role/shop-deployers, deployers]\n    WRITE: [platform-admins]\n',
);

// buildGennakerApp applies cdk-nag: an unacknowledged finding would throw here.
const hosted = synth({
  'gennaker:console': 'true',
  'gennaker:consoleDomainPrefix': 'gennaker-test',
  'gennaker:consoleGroups': 'approvers, deployers',
  'gennaker:permissions': permissionsFile,
});

describe('hosted console', () => {
  it('keeps the files in a private, encrypted, TLS-only bucket that only the distribution reads', () => {
    hosted.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { LogFilePrefix: 'bucket/' },
    });
    hosted.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    hosted.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const policies = Object.values(hosted.findResources('AWS::S3::BucketPolicy')).map((p) => JSON.stringify(p));
    const files = policies.find((p) => p.includes('cloudfront.amazonaws.com'))!;
    expect(files).toContain('"s3:GetObject"');
    expect(files).toContain('AWS:SourceArn');
    expect(policies.every((p) => p.includes('"aws:SecureTransport":"false"'))).toBe(true);
  });

  it('serves HTTPS only with security headers, routes paths to the page and /api/* uncached to the HTTP API', () => {
    hosted.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: Match.arrayWith(['GET', 'POST']),
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
          }),
        ],
      }),
    });
    const headers = hosted.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    const config = (
      Object.values(headers)[0]!.Properties as { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> } }
    ).ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(config.ContentSecurityPolicy!.ContentSecurityPolicy).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(config.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true });
    expect(config.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(config.ContentTypeOptions).toMatchObject({ Override: true });
    const fn = Object.values(hosted.findResources('AWS::CloudFront::Function'))[0]!.Properties as { FunctionCode: string };
    expect(fn.FunctionCode).toContain("request.uri = '/index.html'");
  });

  it('signs browsers in through a Cognito user pool: admin-created users, MFA, the hosted UI, code flow without a secret', () => {
    hosted.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    hosted.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'gennaker-test' });
    hosted.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [Match.objectLike({ 'Fn::Join': ['', ['https://', Match.anyValue(), '/']] })],
    });
  });

  it("creates a Cognito group for every group the permissions setting names (never for a role ARN), and the API reads the file with the token's groups as roles", () => {
    const groups = Object.values(hosted.findResources('AWS::Cognito::UserPoolGroup')).map((g) => (g.Properties as { GroupName: string }).GroupName);
    // consoleGroups asked for approvers and deployers; the permissions file adds developers and platform-admins.
    expect(groups.sort()).toEqual(['approvers', 'deployers', 'developers', 'platform-admins']);
    // The console's routes reach the API handler behind the user pool's JWT authorizer...
    hosted.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    hosted.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /api/{proxy+}', AuthorizationType: 'JWT' });
    // ...which checks the permissions file bundled beside it.
    const withPermissions = Object.values(hosted.findResources('AWS::Lambda::Function')).filter(
      (f) =>
        (f.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables?.GENNAKER_PERMISSIONS_FILE ===
        'gennaker-permissions.json',
    );
    expect(withPermissions).toHaveLength(1);
  });

  it('puts the console routes behind a JWT authorizer for that client, while the CLI routes keep IAM', () => {
    hosted.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
    });
    for (const method of ['GET', 'POST'])
      hosted.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${method} /api/{proxy+}`, AuthorizationType: 'JWT' });
    for (const route of API_HANDLER.routes)
      hosted.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}`, AuthorizationType: 'AWS_IAM' });
  });

  it('deploys the built files and a config.json naming the hosted UI, and links notifications to the console', () => {
    hosted.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const deployment = Object.values(hosted.findResources('Custom::CDKBucketDeployment'))[0]!.Properties as {
      SourceObjectKeys: unknown[];
      SourceMarkers: unknown[];
      DistributionPaths: string[];
    };
    // Two sources: the built files, and config.json whose client id and domain are filled in at deploy time.
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(deployment.SourceMarkers)).toMatch(/PlatformConsoleUsersConsole\w+/);
    expect(JSON.stringify(deployment.SourceMarkers)).toMatch(/PlatformConsoleUsersHostedUi\w+/);
    expect(deployment.DistributionPaths).toEqual(['/*']);
    const functions = Object.values(hosted.findResources('AWS::Lambda::Function')).filter((f) => JSON.stringify(f).includes('GENNAKER_TOPIC_ARN'));
    expect(functions.length).toBeGreaterThan(3);
    for (const f of functions)
      expect(JSON.stringify(f)).toMatch(/"GENNAKER_CONSOLE_URL":\{"Fn::Join":\["",\["https:\/\/",\{"Fn::GetAtt":\["PlatformConsoleDistribution/);
  });

  it('builds the files the bucket gets: the page, its script and styles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-console-build-'));
    dirs.push(dir);
    writeConsoleSync(dir);
    for (const file of ['index.html', 'app.js', 'app.css']) expect(existsSync(join(dir, file))).toBe(true);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<script type="module" src="/app.js">');
  });
});

describe('without gennaker:console', () => {
  it('has no bucket, distribution, user pool or console routes', () => {
    const plain = synth({});
    for (const type of ['AWS::S3::Bucket', 'AWS::CloudFront::Distribution', 'AWS::Cognito::UserPool', 'AWS::ApiGatewayV2::Authorizer'])
      plain.resourceCountIs(type, 0);
    expect(JSON.stringify(plain.toJSON())).not.toContain('GENNAKER_CONSOLE_URL');
  });

  it('refuses a flag that is neither true nor false', () => {
    expect(() => optionsFromContext(new App({ context: { 'gennaker:console': 'yes' } }))).toThrow("gennaker:console must be 'true' or 'false', not 'yes'");
  });
});
