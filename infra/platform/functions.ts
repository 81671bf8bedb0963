/**
 * One Lambda function from a handler file, with what every Gennaker function shares: arm64 on
 * Node 22, bundled by local esbuild, its own role (no managed policies: access.ts grants exactly
 * what its needs say), its own log group with a retention, JSON logs for Powertools, X-Ray
 * tracing and the platform's dead-letter queue for asynchronous invocations.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, Function as LambdaFunction, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { handlerCode } from './bundling.js';
import type { HandlerSpec } from './catalog.js';

/** Matches NODE_TARGET in bundling.ts and the Node the tests run on (package.json pins node 22). */
const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

export interface GennakerFunctionProps {
  readonly spec: HandlerSpec;
  /** Folder the spec's entry is relative to. */
  readonly sourceRoot: string;
  readonly environment: Record<string, string>;
  readonly deadLetterQueue: IQueue;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Files placed next to the bundle (the Lambda's working directory), by name → content. */
  readonly bundledFiles?: Readonly<Record<string, string>>;
}

export class GennakerFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly spec: HandlerSpec;

  constructor(scope: Construct, id: string, props: GennakerFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Gennaker ${id}: ${props.spec.description}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: handlerCode(join(props.sourceRoot, props.spec.entry), props.bundledFiles),
      handler: 'index.handler',
      description: props.spec.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMiB ?? 512,
      timeout: Duration.seconds(props.spec.timeoutSeconds ?? 60),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 2,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'gennaker',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'Gennaker',
        // No --enable-source-maps: it reads the whole map at every cold start. Errors are mapped
        // when reported instead (functions/core/source-maps.ts).
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `${id} runs nodejs22.x on purpose: the Node major the test suite runs the same handler code on (package.json pins node 22); they move together.`,
    });
  }

  get functionArn(): string {
    return this.function.functionArn;
  }
}
