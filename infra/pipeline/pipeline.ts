/**
 * A pipeline deployed on a platform: validated and compiled at synth into a Standard state machine
 * whose Task states name the platform's function ARNs directly (spliced into the definition string,
 * no DefinitionSubstitutions), logging to CloudWatch Logs and traced with X-Ray. Its role may
 * invoke the functions of the stage families the pipeline uses and nothing else.
 */
import { Annotations, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type AslMachine, compilePipeline, type FunctionFamily, type Pipeline as PipelineModel, renderDefinition } from '../../state-machines/index.js';
import { MissingStageFamilyError } from '../errors.js';
import { failedExecutionsAlarm } from '../platform/alarms.js';
import { STAGE_HANDLERS } from '../platform/catalog.js';
import type { Platform } from '../platform/platform.js';
import { loadPipeline, type PipelineDefinition } from './definition.js';
import { wireTriggers } from './triggers.js';

export interface PipelineProps {
  readonly platform: Platform;
  /** A pipeline (Spinnaker's JSON shape) or the path of a JSON or YAML file holding one. */
  readonly definition: PipelineDefinition;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
}

export class Pipeline extends Construct {
  readonly pipeline: PipelineModel;
  /** The compiled definition, function ARNs as CDK tokens. */
  readonly definition: AslMachine;
  readonly stateMachine: StateMachine;
  readonly stateMachineName: string;
  /** Stage families whose functions the state machine invokes (engine included). */
  readonly families: readonly FunctionFamily[];

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { platform } = props;
    checkSameEnvironment(this, platform);
    const loaded = loadPipeline(props.definition);
    this.pipeline = loaded.pipeline;
    loaded.warnings.forEach((warning, index) => {
      Annotations.of(this).addWarningV2(`gennaker:pipeline-warning:${index}`, `${warning.path}: ${warning.message}`);
    });

    const used = new Set<FunctionFamily>();
    const missing = new Set<FunctionFamily>();
    this.definition = compilePipeline(this.pipeline, {
      functionArn: (family) => {
        const fn = platform.stageFunction(family);
        if (!fn) {
          missing.add(family);
          return `missing:${family}`;
        }
        used.add(family);
        return fn.functionArn;
      },
      timeZone: platform.timeZone,
    });
    if (missing.size > 0) {
      const list = [...missing].map((f) => `'${f}' (${STAGE_HANDLERS[f].entry})`).join(', ');
      throw new MissingStageFamilyError(`pipeline ${loaded.source} uses stage families this platform has no handler for: ${list}`);
    }
    this.families = [...used].sort();

    const registration = platform.registerPipeline(this.pipeline);
    this.stateMachineName = registration.stateMachineName;
    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: registration.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(renderDefinition(this.definition)),
      tracingEnabled: true,
      // Execution data stays out of the logs: stage configs and trigger payloads may carry secrets.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'CloudFormation-Validate::E1029',
      reason:
        "The ${...} in the definition are the pipeline's own Spinnaker expressions, evaluated by the stage Lambdas; the definition is a plain Fn::Join, so CloudFormation substitutes nothing.",
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: this.families.map((family) => platform.stageFunction(family)!.functionArn),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        `The ${this.stateMachineName} role needs logs:CreateLogDelivery and the other log-delivery actions (execution logging) and ` +
        'xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules, xray:GetSamplingTargets (tracing); IAM supports only Resource * for them.',
    });
    failedExecutionsAlarm(this, this.stateMachine, `${this.pipeline.application}/${this.pipeline.name}`, platform.alarmActions);
    wireTriggers(this, platform, this.pipeline, loaded.source);
  }
}

/** State machine ARNs are derived from names in the platform's stack: both must be in one account and region. */
function checkSameEnvironment(scope: Construct, platform: Platform): void {
  const here = Stack.of(scope);
  const there = Stack.of(platform);
  for (const field of ['account', 'region'] as const) {
    const a = here[field];
    const b = there[field];
    if (!Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b) {
      throw new Error(`pipeline stack ${here.stackName} is in ${field} ${a}, its platform in ${b}: deploy them together`);
    }
  }
}
