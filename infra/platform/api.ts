/**
 * The platform's HTTP API (API Gateway HTTP API), created on the first route. Routes are signed with
 * SigV4 (IAM) unless they say why not: webhooks authenticate by signature inside their handler.
 * Access logs go to a log group of their own; a stage-wide throttle caps what a flood can cost.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export { HttpMethod };

export type ApiRoute =
  | {
      /** API Gateway path, e.g. `/executions/{id}`; `{proxy+}` catches the rest. */
      readonly path: string;
      readonly methods: readonly HttpMethod[];
      readonly handler: IFunction;
      /** Callers sign with SigV4 (the CLI, other services): the default. */
      readonly authorization?: 'iam';
    }
  | {
      readonly path: string;
      readonly methods: readonly HttpMethod[];
      readonly handler: IFunction;
      /** Anyone may call: the handler authenticates the request itself. */
      readonly authorization: 'none';
      /** How the handler authenticates, e.g. "verifies the X-Hub-Signature-256 HMAC"; recorded for cdk-nag. */
      readonly authenticatedBy: string;
    };

export interface PlatformApiProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class PlatformApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  private readonly integrations = new Map<IFunction, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'Gennaker API and webhooks', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
  }

  get url(): string {
    return this.stage.url;
  }

  addRoute(route: ApiRoute): void {
    let integration = this.integrations.get(route.handler);
    if (!integration) {
      integration = new HttpLambdaIntegration(`Integration${this.integrations.size + 1}`, route.handler);
      this.integrations.set(route.handler, integration);
    }
    const routes = this.api.addRoutes({
      path: route.path,
      methods: [...route.methods],
      integration,
      authorizer: route.authorization === 'none' ? new HttpNoneAuthorizer() : new HttpIamAuthorizer(),
    });
    if (route.authorization === 'none') {
      for (const created of routes) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.path} is open so that webhook senders can call it; its handler ${route.authenticatedBy}.`,
        });
      }
    }
  }
}
