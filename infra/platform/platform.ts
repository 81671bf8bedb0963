/**
 * The Gennaker platform: tables, notification topic, dead-letter queue, one Lambda per stage family
 * and trigger whose handler file exists, the lifecycle rule, alarms, and (on first use) the HTTP
 * API. Pipelines register here (infra/pipeline/pipeline.ts) so the functions that start them are
 * granted exactly those state machines.
 */
import { Annotations, ArnFormat, Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule as EventRule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { WEBHOOK_SECRETS_ENV } from '../../functions/triggers/secrets.js';
import { SECRET_NAME_PREFIX_ENV } from '../../functions/core/secrets/scope.js';
import { secretNameOf, secretReferencesIn } from '../../state-machines/model/secret-references.js';
import { DEFAULT_SECRET_NAME_PREFIX, secretAccessProblems } from '../../state-machines/model/secret-access.js';
import { HOME_ACCOUNT_ENV } from '../../functions/core/roles.js';
import { type ITopic, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { FunctionFamily, Pipeline } from '../../state-machines/index.js';
import { fileExists, REPO_ROOT } from '../paths.js';
import { stateMachineName } from '../pipeline/names.js';
import { CLEANED_UP_FAMILIES } from '../../functions/core/engine/stage-cleanup.js';
import { STAGE_FUNCTIONS_ENV } from '../../functions/core/stage-functions.js';
import { acknowledgeWildcards, grantAssumeRoles, grantNeeds, grantSecretReads, grantStageCleanup, grantTaskResponse } from './access.js';
import { deadLetterAlarm, handlerErrorsAlarm } from './alarms.js';
import { type ApiRoute, HttpMethod, PlatformApi } from './api.js';
import { ConsoleHosting } from './console.js';
import { API_HANDLER, type HandlerSpec, NOTIFIER_HANDLER, STAGE_HANDLERS, TRIGGER_HANDLERS, type TriggerKind, type TriggerSpec } from './catalog.js';
import { deliveredTypes } from '../../functions/notifier/delivery.js';
import { type PlatformSettings, ResolvedSettings } from './configuration.js';
import { PlatformSettingError } from '../errors.js';
import { DeadLetterQueue } from './dead-letters.js';
import { GennakerFunction } from './functions.js';
import { ExecutionStatusRule } from './lifecycle.js';
import { NotificationTopic } from './notifications.js';
import { type Audience, PipelineRegistry, type Registration } from './registry.js';
import { type FilterPolicy, PubsubSubscriptions } from './pubsub.js';
import { PlatformTables } from './tables.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../../state-machines/model/time-zone.js';
import { BUNDLED_MANIFEST_FILE } from '../../functions/core/pipeline-registry.js';

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
  /** Base URL of a console showing executions, linked from notifications. @default the hosted console's, when `console` is set */
  readonly consoleUrl?: string;
  /**
   * Hosts the web console: S3 + CloudFront, a Cognito user pool with its hosted UI, and `/api/*`
   * routes behind a JWT authorizer (platform/console.ts). Needs the API handler.
   * @default none: no console resources
   */
  readonly console?: { readonly domainPrefix?: string; readonly groups?: readonly string[] };
  /**
   * IANA time zone of execution windows and cron triggers that name none.
   * @default 'America/Los_Angeles' (Spinnaker's default: Orca's and Echo's)
   */
  readonly timeZone?: string;
  /**
   * The Secrets Manager secret holding webhook signing secrets by source (functions/triggers/secrets.ts):
   * a secret, or its name or ARN (CDK context `gennaker:webhookSecret`). The webhook functions may
   * read exactly it, and the git function exactly the secrets git triggers name as their own `secret`.
   * @default none: webhook handlers refuse unsigned deliveries (except for triggers with their own secret)
   */
  readonly webhookSecret?: ISecret | string;
  /**
   * The pipelines (raw JSON/YAML documents) trigger handlers match events against; bundled with
   * each trigger function as gennaker-pipelines.json (Lambda's 4 KB environment cannot hold them).
   * @default none: trigger handlers find no pipelines
   */
  readonly pipelineDocuments?: readonly unknown[];
  /**
   * Secrets Manager names functions may read secrets under (the secret references of webhooks,
   * Jenkins masters, artifact accounts and notifications): `arn:…:secret:<prefix>*`.
   * @default 'gennaker/'
   */
  readonly secretNamePrefix?: string;
  /**
   * The platform settings (accounts, traffic guards, bake, Jenkins masters, permissions, ...:
   * configuration.ts SETTING_KEYS), each a file (YAML or JSON) or the document itself: checked at synth, bundled as JSON beside the functions that read them.
   * Functions that act in the accounts may assume exactly the roles the accounts name.
   * @default none: the functions act in the platform's own account with its own credentials
   */
  readonly settings?: PlatformSettings;
}

/** Where the pipeline-completed event goes (functions/triggers/lifecycle/completed-event.ts EVENT_BUS_ENV); putEvents grants this bus. */
const EVENT_BUS_ENV = 'GENNAKER_EVENT_BUS';
const EVENT_BUS = 'default';

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
  /** What windows and crons without their own zone mean on this platform. */
  readonly timeZone: string;
  private readonly webhookSecret: ISecret | undefined;
  /** Secrets git triggers name as their own `secret` (sorted, unique). */
  private readonly triggerSecrets: readonly string[];
  private readonly secretNamePrefix: string;
  private readonly bundledFiles: Readonly<Record<string, string>> | undefined;
  private apiFunction: GennakerFunction | undefined;
  private notifierFunction: GennakerFunction | undefined;
  private pubsubSubscriptions: PubsubSubscriptions | undefined;
  private readonly stageFunctions = new Map<FunctionFamily, GennakerFunction>();
  private readonly triggerFunctions = new Map<TriggerKind, GennakerFunction>();
  private readonly starters: Array<{ fn: GennakerFunction; audience: Audience }> = [];
  private platformApi: PlatformApi | undefined;
  private readonly settings: ResolvedSettings;
  /** The hosted console, when the props ask for it. */
  readonly console: ConsoleHosting | undefined;

  constructor(scope: Construct, id: string, props: PlatformProps = {}) {
    super(scope, id);
    this.namePrefix = props.namePrefix ?? 'gennaker';
    if (!/^[A-Za-z0-9-]{1,20}$/.test(this.namePrefix)) {
      throw new Error(`namePrefix '${this.namePrefix}' must be 1 to 20 letters, digits or dashes`);
    }
    this.sourceRoot = props.sourceRoot ?? REPO_ROOT;
    this.logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;
    this.consoleUrl = props.consoleUrl;
    this.timeZone = props.timeZone ?? DEFAULT_TIME_ZONE;
    if (!isTimeZone(this.timeZone)) throw new Error(`timeZone '${this.timeZone}' is not an IANA time zone (like Europe/Paris or UTC)`);
    this.webhookSecret = typeof props.webhookSecret === 'string' ? secretByNameOrArn(this, 'WebhookSecret', props.webhookSecret) : props.webhookSecret;
    this.triggerSecrets = triggerSecretReferences(props.pipelineDocuments ?? []);
    this.secretNamePrefix = props.secretNamePrefix ?? DEFAULT_SECRET_NAME_PREFIX;
    if (!/^[A-Za-z0-9/_+=.@-]{1,100}$/.test(this.secretNamePrefix)) {
      throw new Error(`secretNamePrefix '${this.secretNamePrefix}' must be letters, digits or /_+=.@-`);
    }
    // The pipelines trigger handlers (and the API, which starts them too) match against.
    this.bundledFiles = props.pipelineDocuments ? { [BUNDLED_MANIFEST_FILE]: JSON.stringify({ pipelines: props.pipelineDocuments }) } : undefined;
    this.settings = ResolvedSettings.resolve(props.settings);
    checkSecretNames(this.secretNamePrefix, props.pipelineDocuments ?? [], this.settings);
    this.settings.warnings.forEach((warning, index) => {
      Annotations.of(this).addWarningV2(`gennaker:setting-warning:${index}`, `${warning.path}: ${warning.message}`);
    });
    this.alarmActions = props.alarmActions ?? [];
    const dataRemovalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.tables = new PlatformTables(this, 'Tables', { removalPolicy: dataRemovalPolicy });
    this.notifications = new NotificationTopic(this, 'Notifications', { removalPolicy: dataRemovalPolicy });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    deadLetterAlarm(this.deadLetters, this.deadLetters.queue, this.alarmActions);

    for (const [family, spec] of Object.entries(STAGE_HANDLERS) as Array<[FunctionFamily, HandlerSpec]>) {
      if (!fileExists(this.sourceRoot, spec.entry)) continue;
      // Every stage function answers its Tasks' tokens (functions/core/task-resume.ts).
      this.stageFunctions.set(family, this.addHandler(handlerId(family), spec, { taskResponse: true }));
    }
    if (!this.stageFunctions.has('engine')) {
      throw new Error(`no engine handler at ${STAGE_HANDLERS.engine.entry} under ${this.sourceRoot}: every pipeline needs it`);
    }
    // A trigger is wired when its handler file exists: without a lifecycle handler, for instance,
    // nothing consumes status changes, so there is no rule to route them.
    for (const [kind, spec] of Object.entries(TRIGGER_HANDLERS) as Array<[TriggerKind, TriggerSpec]>) {
      if (!fileExists(this.sourceRoot, spec.entry)) continue;
      const fn = this.addHandler(handlerId(kind), spec, this.bundledFiles ? { bundledFiles: this.bundledFiles } : {});
      this.triggerFunctions.set(kind, fn);
      this.wireTriggerSource(fn, spec);
    }
    if (fileExists(this.sourceRoot, NOTIFIER_HANDLER.entry)) {
      // Only the types it posts reach it; every other subscriber still gets every message, references as written.
      this.notifierFunction = this.addHandler('Notifier', NOTIFIER_HANDLER);
      this.topic.addSubscription(
        new LambdaSubscription(this.notifierFunction.function, {
          filterPolicy: { channel: SubscriptionFilter.stringFilter({ allowlist: deliveredTypes(this.settings.notificationSettings()) }) },
          deadLetterQueue: this.deadLetters.queue,
        }),
      );
    }
    if (fileExists(this.sourceRoot, API_HANDLER.entry)) {
      this.apiFunction = this.addHandler('ApiHandler', API_HANDLER, this.bundledFiles ? { bundledFiles: this.bundledFiles } : {});
      for (const route of API_HANDLER.routes) {
        this.addApiRoute({ path: route.path, methods: [HttpMethod[route.method]], handler: this.apiFunction.function, authorization: 'iam' });
      }
    }

    if (props.console) {
      if (!this.apiFunction || !this.platformApi) throw new Error(`the console needs the API handler (${API_HANDLER.entry}) under ${this.sourceRoot}`);
      this.console = new ConsoleHosting(this, 'Console', {
        api: this.platformApi.api,
        apiHandler: this.apiFunction.function,
        ...(props.console.domainPrefix ? { domainPrefix: props.console.domainPrefix } : {}),
        // The groups asked for, and every group the permissions setting names: a console user's groups are their roles.
        groups: [...new Set([...(props.console.groups ?? []), ...this.settings.permissionGroups()])].sort(),
        removalPolicy: dataRemovalPolicy,
      });
      // Notifications link to the run in this console.
      if (!this.consoleUrl) for (const fn of this.allFunctions()) fn.function.addEnvironment('GENNAKER_CONSOLE_URL', this.console.url);
    }

    // Webhook stages hand the called system a URL on this API to call back.
    const external = this.stageFunctions.get('external');
    if (external && this.triggerFunctions.has('webhookCallback') && this.platformApi) {
      external.function.addEnvironment('GENNAKER_WEBHOOK_CALLBACK_URL', `${this.platformApi.url}webhooks/callback`);
    }

    this.node.addValidation({ validate: () => [...this.registry.problems(), ...this.environmentProblems()] });
  }

  private allFunctions(): GennakerFunction[] {
    return [
      ...this.stageFunctions.values(),
      ...this.triggerFunctions.values(),
      ...(this.apiFunction ? [this.apiFunction] : []),
      ...(this.notifierFunction ? [this.notifierFunction] : []),
    ];
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

  /** The HTTP API's handler (functions/api/handler.ts), when that file exists. */
  get apiHandler(): GennakerFunction | undefined {
    return this.apiFunction;
  }

  /**
   * Subscribes the pubsub trigger handler to an SNS topic, letting through at least what `filter`
   * does (one subscription per topic, its policy widened for each trigger). Called by Pipeline.
   */
  subscribeToTopic(topicArn: string, filter: FilterPolicy | undefined): void {
    const fn = this.triggerFunctions.get('pubsub');
    if (!fn) throw new Error(`no pubsub trigger handler (${TRIGGER_HANDLERS.pubsub.entry}) on this platform`);
    this.pubsubSubscriptions ??= new PubsubSubscriptions(fn, 'Topics', { handler: fn.function, deadLetterQueue: this.deadLetters.queue });
    this.pubsubSubscriptions.subscribe(topicArn, filter);
  }

  /** SNS topics the pubsub handler is subscribed to. */
  get subscribedTopics(): string[] {
    return this.pubsubSubscriptions?.subscribedTopics ?? [];
  }

  /** The pipelines registered so far, with their state machine names and ARNs. */
  get pipelines(): readonly Registration[] {
    return this.registry.pipelines;
  }

  /**
   * A Lambda from a handler file with the platform's settings: bundling, log group, tracing,
   * dead-letter queue, error alarm, the table and topic environment, and IAM for its needs.
   */
  addHandler(
    id: string,
    spec: HandlerSpec,
    options: { readonly taskResponse?: boolean; readonly bundledFiles?: Readonly<Record<string, string>> } = {},
  ): GennakerFunction {
    const settings = this.settings.forNeeds(spec.needs);
    const bundledFiles = { ...options.bundledFiles, ...settings.files };
    const fn = new GennakerFunction(this, id, {
      spec,
      ...(Object.keys(bundledFiles).length > 0 ? { bundledFiles } : {}),
      sourceRoot: this.sourceRoot,
      environment: {
        ...this.tables.environment(),
        GENNAKER_TOPIC_ARN: this.topic.topicArn,
        // Bare role names (requiredJudgmentRoles, permissions) mean roles of this account.
        [HOME_ACCOUNT_ENV]: Aws.ACCOUNT_ID,
        ...(this.consoleUrl ? { GENNAKER_CONSOLE_URL: this.consoleUrl } : {}),
        ...(spec.needs.includes('putEvents') ? { [EVENT_BUS_ENV]: EVENT_BUS } : {}),
        ...settings.environment,
      },
      deadLetterQueue: this.deadLetters.queue,
      logRetention: this.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const audience: Audience | undefined = spec.needs.includes('startPipelines') ? 'all' : spec.needs.includes('startChildPipelines') ? 'children' : undefined;
    if (audience) {
      this.starters.push({ fn, audience });
      fn.function.addEnvironment(
        'GENNAKER_STATE_MACHINES',
        Lazy.string({ produce: () => Stack.of(this).toJsonString(this.registry.stateMachineMap(audience)) }),
      );
    }
    const artifacts = {
      buckets: this.settings.artifacts.s3Buckets,
      tokens: [...this.settings.artifacts.githubAccounts.values()].some((a) => a.token !== undefined),
    };
    const access = { namePrefix: this.namePrefix, secretNamePrefix: this.secretNamePrefix, launchPermissions: this.settings.launchPermissions, artifacts };
    grantNeeds(fn, spec.needs, { tables: this.tables, notifications: this.notifications, registry: this.registry, ...access });
    // The resolver refuses other names itself, with a message instead of AccessDenied.
    if (spec.needs.includes('readSecrets') || (spec.needs.includes('readArtifacts') && artifacts.tokens))
      fn.function.addEnvironment(SECRET_NAME_PREFIX_ENV, this.secretNamePrefix);
    if (options.taskResponse && !spec.needs.includes('resumeTasks')) grantTaskResponse(fn, this.namePrefix);
    if (this.settings.usesAccounts(spec.needs)) grantAssumeRoles(fn, this.settings.assumableRoles);
    if (spec.needs.includes('cancelStages')) {
      // Stage functions are made first (constructor order), so they are all known here.
      const targets = [...this.stageFunctions].filter(([family]) => CLEANED_UP_FAMILIES.has(family));
      fn.function.addEnvironment(
        STAGE_FUNCTIONS_ENV,
        Stack.of(this).toJsonString(Object.fromEntries(targets.map(([family, target]) => [family, target.function.functionArn]))),
      );
      grantStageCleanup(
        fn,
        targets.map(([, target]) => target),
      );
    }
    acknowledgeWildcards(fn, spec.needs, options.taskResponse ?? false, access);
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
          fn.function.addEnvironment(WEBHOOK_SECRETS_ENV, this.webhookSecret.secretArn);
          grantSecretReads(fn, [this.webhookSecret]);
        }
        if (spec.fires.includes('git')) {
          grantSecretReads(
            fn,
            this.triggerSecrets.map((ref, i) => secretByNameOrArn(this, `TriggerSecret${i}`, ref)),
          );
        }
        for (const path of source.paths) {
          this.addApiRoute({ path, methods: [HttpMethod.POST], handler: fn.function, authorization: 'none', authenticatedBy: source.authenticatedBy });
        }
        return;
      case 'schedule':
        // One schedule per cron trigger, made by each Pipeline (pipeline/triggers.ts).
        return;
      case 'sns-topics':
        // One subscription per topic some pipeline's pubsub trigger names (subscribeToTopic).
        return;
    }
  }

  private environmentProblems(): string[] {
    const problems: string[] = [];
    for (const { fn, audience } of this.starters) {
      // ARNs are tokens until deployment: estimate them at their longest usual length.
      const estimate = Object.entries(this.registry.stateMachineMap(audience)).reduce((bytes, [key]) => bytes + key.length + 120, 2);
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

/**
 * Secret references in pipelines and settings name secrets the functions may read (under the
 * prefix), and a pipeline's only secrets its application may use (secret-access.ts): refused at
 * synth, naming where, rather than failing a stage at run time.
 */
function checkSecretNames(prefix: string, pipelines: readonly unknown[], settings: ResolvedSettings): void {
  const where = (document: unknown, i: number) => {
    const name = (document as { name?: unknown } | null)?.name;
    return `pipeline ${typeof name === 'string' ? `'${name}'` : i}: $`;
  };
  const outside = [
    ...pipelines.flatMap((document, i) => secretReferencesIn(document, where(document, i))),
    ...[...settings.allDocuments()].flatMap(([key, document]) => secretReferencesIn(document, `setting ${key}: $`)),
  ].filter(({ reference }) => !secretNameOf(reference).startsWith(prefix));
  if (outside.length > 0) {
    throw new PlatformSettingError(
      `secret references must name secrets under '${prefix}' (the only ones Gennaker's functions may read): ${outside.map((o) => `${o.path} names '${secretNameOf(o.reference)}'`).join('; ')}`,
    );
  }
  const access = settings.secretAccess();
  const foreign = pipelines.flatMap((document, i) => {
    const application = (document as { application?: unknown } | null)?.application;
    if (typeof application !== 'string') return [];
    return secretAccessProblems(document, application, prefix, access).map((p) => `${where(document, i)}${p.path.slice(1)}: ${p.message}`);
  });
  if (foreign.length > 0) throw new PlatformSettingError(`pipelines reference other applications' secrets: ${foreign.join('; ')}`);
}

/** A secret named by its name or ARN (a name's ARN ends in six random characters). */
function secretByNameOrArn(scope: Construct, id: string, nameOrArn: string): ISecret {
  return nameOrArn.startsWith('arn:') ? Secret.fromSecretCompleteArn(scope, id, nameOrArn) : Secret.fromSecretNameV2(scope, id, nameOrArn);
}

/** The `secret` references of the pipelines' git triggers (a trigger's own signing secret). */
function triggerSecretReferences(documents: readonly unknown[]): string[] {
  const references = new Set<string>();
  for (const document of documents) {
    const triggers = (document as { triggers?: unknown } | null)?.triggers;
    if (!Array.isArray(triggers)) continue;
    for (const trigger of triggers as Array<Record<string, unknown> | null>) {
      if (trigger?.type === 'git' && typeof trigger.secret === 'string' && trigger.secret.trim() !== '') references.add(trigger.secret.trim());
    }
  }
  return [...references].sort();
}
