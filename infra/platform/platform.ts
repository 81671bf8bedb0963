/**
 * The Gennaker platform: tables, notification topic, dead-letter queue, one Lambda per stage family
 * and trigger whose handler file exists, the lifecycle rule, alarms, and (on first use) the HTTP
 * API. Pipelines register here (infra/pipeline/pipeline.ts) so the functions that start them are
 * granted exactly those state machines.
 */
import { ArnFormat, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule as EventRule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FunctionFamily, Pipeline } from '../../state-machines/index.js';
import { fileExists, REPO_ROOT } from '../paths.js';
import { stateMachineName } from '../pipeline/names.js';
import { acknowledgeWildcards, grantNeeds, grantTaskResponse } from './access.js';
import { deadLetterAlarm, handlerErrorsAlarm } from './alarms.js';
import { type ApiRoute, HttpMethod, PlatformApi } from './api.js';
import { callbackFamilies, type HandlerSpec, STAGE_HANDLERS, TRIGGER_HANDLERS, type TriggerKind, type TriggerSpec } from './catalog.js';
import { DeadLetterQueue } from './dead-letters.js';
import { GennakerFunction } from './functions.js';
import { ExecutionStatusRule } from './lifecycle.js';
import { NotificationTopic } from './notifications.js';
import { type Audience, PipelineRegistry, type Registration } from './registry.js';
import { PlatformTables } from './tables.js';

export interface PlatformProps {
  /**
   * Starts the name of every pipeline state machine (`<prefix>-<application>-<pipeline>`); two
   * platforms in one account and region need different prefixes.
   * @default 'gennaker'
   */
  readonly namePrefix?: string;
  /**
   * Folder the handler files (functions/...) are looked up in.
   * @default the repository this module belongs to
   */
  readonly sourceRoot?: string;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /**
   * For the data: tables and the topic's key.
   * @default RemovalPolicy.RETAIN
   */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /**
   * Where alarms go (e.g. an SnsAction to an on-call topic).
   * @default none: the alarms only show in CloudWatch
   */
  readonly alarmActions?: readonly IAlarmAction[];
  /** Base URL of a console showing executions, linked from notifications. */
  readonly consoleUrl?: string;
  /**
   * The Secrets Manager secret holding webhook signing secrets by source (functions/triggers/secrets.ts).
   * @default none: webhook handlers refuse unsigned deliveries
   */
  readonly webhookSecret?: ISecret;
}

/** Lambda environment variables are capped at 4 KB in total; leave room for the rest. */
const MAX_STATE_MACHINE_MAP_BYTES = 3000;

export class Platform extends Construct {
  readonly namePrefix: string;
  readonly tables: PlatformTables;
  readonly notifications: NotificationTopic;
  readonly deadLetters: DeadLetterQueue;
  readonly alarmActions: readonly IAlarmAction[];
  private readonly registry = new PipelineRegistry();
  private readonly sourceRoot: string;
  private readonly logRetention: RetentionDays;
  private readonly consoleUrl: string | undefined;
  private readonly webhookSecret: ISecret | undefined;
  private readonly stageFunctions = new Map<FunctionFamily, GennakerFunction>();
  private readonly triggerFunctions = new Map<TriggerKind, GennakerFunction>();
  private readonly starters: Array<{ fn: GennakerFunction; audience: Audience }> = [];
  private platformApi: PlatformApi | undefined;

  constructor(scope: Construct, id: string, props: PlatformProps = {}) {
    super(scope, id);
    this.namePrefix = props.namePrefix ?? 'gennaker';
    if (!/^[A-Za-z0-9-]{1,20}$/.test(this.namePrefix)) {
      throw new Error(`namePrefix '${this.namePrefix}' must be 1 to 20 letters, digits or dashes`);
    }
    this.sourceRoot = props.sourceRoot ?? REPO_ROOT;
    this.logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;
    this.consoleUrl = props.consoleUrl;
    this.webhookSecret = props.webhookSecret;
    this.alarmActions = props.alarmActions ?? [];
    const dataRemovalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new PlatformTables(this, 'Tables', { removalPolicy: dataRemovalPolicy });
    this.notifications = new NotificationTopic(this, 'Notifications', { removalPolicy: dataRemovalPolicy });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    deadLetterAlarm(this.deadLetters, this.deadLetters.queue, this.alarmActions);

    const callbacks = callbackFamilies();
    for (const [family, spec] of Object.entries(STAGE_HANDLERS) as Array<[FunctionFamily, HandlerSpec]>) {
      if (!fileExists(this.sourceRoot, spec.entry)) continue;
      this.stageFunctions.set(family, this.addHandler(handlerId(family), spec, { taskResponse: callbacks.has(family) }));
    }
    if (!this.stageFunctions.has('engine')) {
      throw new Error(`no engine handler at ${STAGE_HANDLERS.engine.entry} under ${this.sourceRoot}: every pipeline needs it`);
    }
    // A trigger is wired when its handler file exists: without a lifecycle handler, for instance,
    // nothing consumes status changes, so there is no rule to route them.
    for (const [kind, spec] of Object.entries(TRIGGER_HANDLERS) as Array<[TriggerKind, TriggerSpec]>) {
      if (!fileExists(this.sourceRoot, spec.entry)) continue;
      const fn = this.addHandler(handlerId(kind), spec);
      this.triggerFunctions.set(kind, fn);
      this.wireTriggerSource(fn, spec);
    }

    this.node.addValidation({ validate: () => [...this.registry.problems(), ...this.environmentProblems()] });
  }

  get topic(): ITopic {
    return this.notifications.topic;
  }

  /** Stage families with a function in this platform. */
  get families(): FunctionFamily[] {
    return [...this.stageFunctions.keys()];
  }

  stageFunction(family: FunctionFamily): GennakerFunction | undefined {
    return this.stageFunctions.get(family);
  }

  triggerFunction(kind: TriggerKind): GennakerFunction | undefined {
    return this.triggerFunctions.get(kind);
  }

  /** The pipelines registered so far, with their state machine names and ARNs. */
  get pipelines(): readonly Registration[] {
    return this.registry.pipelines;
  }

  /**
   * A Lambda from a handler file with the platform's settings: bundling, log group, tracing,
   * dead-letter queue, error alarm, the table and topic environment, and IAM for its needs.
   */
  addHandler(id: string, spec: HandlerSpec, options: { readonly taskResponse?: boolean } = {}): GennakerFunction {
    const fn = new GennakerFunction(this, id, {
      spec,
      sourceRoot: this.sourceRoot,
      environment: {
        ...this.tables.environment(),
        GENNAKER_TOPIC_ARN: this.topic.topicArn,
        ...(this.consoleUrl ? { GENNAKER_CONSOLE_URL: this.consoleUrl } : {}),
      },
      deadLetterQueue: this.deadLetters.queue,
      logRetention: this.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const audience: Audience | undefined = spec.needs.includes('startPipelines')
      ? 'all'
      : spec.needs.includes('startChildPipelines')
        ? 'children'
        : undefined;
    if (audience) {
      this.starters.push({ fn, audience });
      fn.function.addEnvironment(
        'GENNAKER_STATE_MACHINES',
        Lazy.string({ produce: () => Stack.of(this).toJsonString(this.registry.stateMachineMap(audience)) }),
      );
    }
    grantNeeds(fn, spec.needs, { tables: this.tables, notifications: this.notifications, registry: this.registry });
    if (options.taskResponse) grantTaskResponse(fn);
    acknowledgeWildcards(fn, spec.needs, options.taskResponse ?? false);
    handlerErrorsAlarm(fn, fn.function, id, this.alarmActions);
    return fn;
  }

  /** Routes HTTP requests to a handler; the HTTP API is created with the first route. */
  addApiRoute(route: ApiRoute): PlatformApi {
    this.platformApi ??= new PlatformApi(this, 'Api', { logRetention: this.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.platformApi.addRoute(route);
    return this.platformApi;
  }

  get api(): PlatformApi | undefined {
    return this.platformApi;
  }

  /** Names the pipeline's state machine and grants the functions that start it. Called by Pipeline. */
  registerPipeline(pipeline: Pipeline): Registration {
    const name = stateMachineName(this.namePrefix, pipeline);
    const registration: Registration = {
      pipeline,
      stateMachineName: name,
      stateMachineArn: Stack.of(this).formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    };
    this.registry.register(registration);
    return registration;
  }

  private wireTriggerSource(fn: GennakerFunction, spec: TriggerSpec): void {
    const source = spec.source;
    switch (source.kind) {
      case 'status-changes':
        new ExecutionStatusRule(fn, 'StatusChanges', {
          handler: fn.function,
          namePrefix: this.namePrefix,
          deadLetterQueue: this.deadLetters.queue,
        });
        return;
      case 'events':
        new EventRule(fn, 'Events', {
          description: `Gennaker: ${source.detailType} events to the ${fn.node.id} trigger`,
          eventPattern: { source: [source.source], detailType: [source.detailType] },
          targets: [new LambdaFunction(fn.function, { deadLetterQueue: this.deadLetters.queue, retryAttempts: 8, maxEventAge: Duration.hours(2) })],
        });
        return;
      case 'webhook':
        if (this.webhookSecret) {
          fn.function.addEnvironment('GENNAKER_WEBHOOK_SECRETS_ID', this.webhookSecret.secretArn);
          this.webhookSecret.grantRead(fn.role);
        }
        for (const path of source.paths) {
          this.addApiRoute({ path, methods: [HttpMethod.POST], handler: fn.function, authorization: 'none', authenticatedBy: source.authenticatedBy });
        }
        return;
      case 'schedule':
        // One schedule per cron trigger, made by each Pipeline (pipeline/triggers.ts).
        return;
    }
  }

  private environmentProblems(): string[] {
    const problems: string[] = [];
    for (const { fn, audience } of this.starters) {
      // ARNs are tokens until deployment: estimate them at their longest usual length.
      const estimate = Object.entries(this.registry.stateMachineMap(audience)).reduce(
        (bytes, [key]) => bytes + key.length + 120,
        2,
      );
      if (estimate > MAX_STATE_MACHINE_MAP_BYTES) {
        problems.push(
          `GENNAKER_STATE_MACHINES of ${fn.node.id} would take about ${estimate} bytes, over the ${MAX_STATE_MACHINE_MAP_BYTES} that fit in a Lambda environment: split the pipelines over platforms (namePrefix)`,
        );
      }
    }
    return problems;
  }
}

function handlerId(name: string): string {
  return `${name[0]!.toUpperCase()}${name.slice(1)}`;
}
