/**
 * One Lambda function from a handler file, with what every Gennaker function shares: arm64 on
 * Node 22, bundled by local esbuild, its own role (no managed policies: access.ts grants exactly
 * what its needs say), its own log group with a retention, JSON logs for Powertools, X-Ray
 * tracing and the platform's dead-letter queue for asynchronous invocations.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT } from '../paths.js';
import { lambdaBundling } from './bundling.js';
import type { HandlerSpec } from './catalog.js';

/** Matches NODE_TARGET in bundling.ts and the Node the tests run on (package.json pins node 22). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

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

/**
 * Writes each file to a folder of its own and returns the shell commands that copy them into the
 * bundle. The folder is named by the files' digest: the commands are part of the asset hash, so a
 * random folder would change every template on every synth.
 */
function copyIntoBundle(files: Readonly<Record<string, string>>): (outputDir: string) => string[] {
  const digest = createHash('sha256')
    .update(JSON.stringify(Object.entries(files).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `gennaker-bundle-${digest}`);
  mkdirSync(dir, { recursive: true });
  const written = Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return { name, path };
  });
  return (outputDir) => written.map(({ name, path }) => `cp ${JSON.stringify(path)} ${JSON.stringify(join(outputDir, name))}`);
}

export class GennakerFunction extends Construct {
  readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(props.sourceRoot, props.spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
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
      bundling: props.bundledFiles
        ? {
            ...lambdaBundling(),
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_inputDir: string, outputDir: string) => copyIntoBundle(props.bundledFiles!)(outputDir),
            },
          }
        : lambdaBundling(),
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
