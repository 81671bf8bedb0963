/**
 * The console, hosted without servers: its static files in a private S3 bucket behind CloudFront
 * (origin access control, HTTPS only, security headers), `/api/*` on the same distribution to the
 * HTTP API, where a JWT authorizer lets in browsers signed in through a Cognito user pool's hosted
 * UI. The CLI and machine callers keep the IAM routes. Users' Cognito groups arrive in the token's
 * cognito:groups claim, which the API reads as the caller's roles (functions/api/identity.ts): the
 * groups are the roles that application permissions and judgment roles name.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AccountRecovery, CfnUserPoolGroup, Mfa, OAuthScope, UserPool, UserPoolClient, UserPoolClientIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { DockerImage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformSettingError } from '../errors.js';
import { CONSOLE_ROOT, writeConsoleSync } from '../../console/build/bundle.js';
import { CONSOLE_API_PREFIX } from '../../functions/api/routes.js';

export interface ConsoleHostingProps {
  readonly api: HttpApi;
  /** The API's Lambda: the console's routes reach the same handler as the IAM ones. */
  readonly apiHandler: IFunction;
  /**
   * The hosted UI's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique per region.
   * @default `gennaker-<account>` (an unresolved token: set it for a readable one)
   */
  readonly domainPrefix?: string;
  /** Cognito groups to create: the roles application permissions and judgments name. @default none */
  readonly groups?: readonly string[];
  /** @default RemovalPolicy.RETAIN for the user pool, DESTROY for the static files */
  readonly removalPolicy?: RemovalPolicy;
}

/** What Cognito accepts as a group name. */
const COGNITO_GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** Security headers on every answer, the page's and the API's. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // The token endpoint of the hosted UI is called from the page after sign-in.
  "connect-src 'self' https://*.amazoncognito.com",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The page routes itself (History API): any path without a file extension is index.html. */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly hostedUiDomain: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removal = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are written with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the console bucket and distribution; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'bucket/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Gennaker console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const apiDomain = `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Gennaker console',
      defaultRootObject: 'index.html',
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'Routes', { code: FunctionCode.fromInline(SPA_REWRITE), comment: 'Console paths to index.html' }),
          },
        ],
      },
      additionalBehaviors: {
        [`${CONSOLE_API_PREFIX}/*`]: {
          origin: new HttpOrigin(apiDomain),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Never cached: the API's ETags make the browser's conditional requests cheap instead.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'The console is for the team wherever they work; sign-in, not geography, decides who sees it.' },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Every route behind the distribution needs a Cognito token (the static files hold nothing secret); a WAF web ACL can be attached where a deployment wants rate rules.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, for which CloudFront cannot enforce a minimum TLS version; browsers negotiate TLS 1.2 or later with it.',
      },
    );

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `${stack.stackName}-console`,
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: removal,
    });
    const plus = 'Threat protection (the Plus feature plan) is billed per user; sign-up is closed, MFA is required and users are created by administrators.';
    Validations.of(this.userPool).acknowledge({ id: 'AwsSolutions-COG3', reason: plus }, { id: 'AwsSolutions-COG8', reason: plus });
    const domainPrefix = props.domainPrefix ?? `gennaker-${stack.account}`;
    const domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix } });
    this.hostedUiDomain = `${domain.domainName}.auth.${stack.region}.amazoncognito.com`;
    const home = `https://${this.distribution.distributionDomainName}/`;
    this.client = this.userPool.addClient('Console', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [home],
        logoutUrls: [home],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });
    const ids = new Set<string>();
    for (const group of props.groups ?? []) {
      if (!COGNITO_GROUP_NAME.test(group)) {
        throw new PlatformSettingError(
          `console group ${JSON.stringify(group)} cannot be a Cognito group name (1-128 letters, digits, marks, symbols or punctuation; no spaces)`,
        );
      }
      // Ids from the name (stable across deploys); names that differ only in punctuation get a suffix.
      const base = `Group${group.replace(/[^A-Za-z0-9]/g, '')}`;
      let id = base;
      for (let n = 2; ids.has(id); n++) id = `${base}${n}`;
      ids.add(id);
      new CfnUserPoolGroup(this, id, { userPoolId: this.userPool.userPoolId, groupName: group, description: 'Gennaker role' });
    }

    // The console's routes: the same handler, the ID token checked by API Gateway before it runs.
    const authorizer = new HttpJwtAuthorizer('ConsoleUsers', `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`, {
      jwtAudience: [this.client.userPoolClientId],
    });
    props.api.addRoutes({
      path: `${CONSOLE_API_PREFIX}/{proxy+}`,
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('ConsoleIntegration', props.apiHandler),
      authorizer,
    });

    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
      sources: [
        Source.asset(CONSOLE_ROOT, {
          // Built by esbuild in this process; the image is only named because CDK requires one.
          bundling: {
            image: DockerImage.fromRegistry('node:22-slim'),
            local: {
              tryBundle(outputDir) {
                writeConsoleSync(outputDir);
                return true;
              },
            },
          },
        }),
        Source.jsonData('config.json', { auth: 'cognito', cognito: { domain: this.hostedUiDomain, clientId: this.client.userPoolClientId } }),
      ],
    });
    // CDK's BucketDeployment brings its own singleton Lambda (made at stack level); its findings are about that code.
    const copier = stack.node.findAll().filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const assets = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';
    const files = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`;
    for (const construct of [deployment, ...copier]) {
      Validations.of(construct).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's bucket-deployment Lambda writes its own logs through the AWSLambdaBasicExecutionRole managed policy; CDK makes that role.",
        },
        ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason: `CDK's bucket-deployment Lambda reads the built console from the CDK assets bucket and replaces the console bucket's objects (${action}, as CDK's grantRead/grantWrite name it), on those two buckets only.`,
        })),
        {
          id: `AwsSolutions-IAM5[Resource::${assets}]`,
          reason: 'The CDK bootstrap assets bucket, where the built console is uploaded for the deployment Lambda to copy; object keys are content hashes.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::${files}]`,
          reason: "The console bucket's objects: the deployment Lambda replaces the built files; their names are known only after the build.",
        },
        { id: 'AwsSolutions-L1', reason: "CDK pins the bucket-deployment Lambda's runtime with the CDK version; it runs only while deploying." },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'cloudfront:CreateInvalidation and GetInvalidation after copying the files; CDK grants them on * (the distribution is created in the same stack).',
        },
      );
    }
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
