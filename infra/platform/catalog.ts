/**
 * Every Lambda the platform may deploy, by the handler file that implements it. A function is
 * created only when its file exists, so a stage family or trigger lands by adding its handler and,
 * for a new family, one line here. What each may touch is declared as needs; access.ts turns them
 * into IAM statements scoped to this platform's resources.
 */
import type { FunctionFamily } from '../../state-machines/index.js';
import { triggerTypesFiredBy } from '../../state-machines/triggers/trigger-types.js';

export type Need =
  /** Read and write execution records (table and its indexes). */
  | 'executions'
  /** Take, renew and release cluster locks. */
  | 'locks'
  /** Remember trigger deliveries already handled. */
  | 'dedupe'
  /** Publish on the notification topic. */
  | 'publish'
  /** StartExecution on the pipelines some `pipeline` stage names as its child. */
  | 'startChildPipelines'
  /** StartExecution on every pipeline of the platform (triggers). */
  | 'startPipelines'
  /** Put events on the account's default event bus (pipeline-completed events). */
  | 'putEvents'
  /** The EC2, Auto Scaling and ELBv2 calls of the cloud driver (functions/core/cloud), in this account. */
  | 'cloudDriver'
  /** Create, change, publish, alias, invoke and delete Lambda functions Gennaker manages (functions/stages/cloud/lambda). */
  | 'lambdaDeploys'
  /** ECS server groups (functions/core/ecs): services and task definition revisions, tag-scoped. */
  | 'ecsServices'
  /**
   * Progressive deploys (functions/core/cloud/weighted-routing.ts): create and delete canary target
   * groups, weight the listener rules and default actions that forward to a cluster's target groups.
   */
  | 'trafficShifts'
  /** The cloud driver's read-only calls the cluster view makes (functions/api/clusters.ts). */
  | 'clusterView'
  /** StopExecution on this platform's pipeline executions (cancel). */
  | 'stopExecutions'
  /** SendTaskSuccess / SendTaskFailure on this platform's pipelines: end a stage's wait on its task token (manual judgment through the API). */
  | 'resumeTasks'
  /** Run, watch and stop ECS tasks (runJob stages) and pass their roles to ECS tasks. */
  | 'runTasks'
  /** Read CloudWatch metrics (canary analysis). */
  | 'readMetrics'
  /** Read Secrets Manager secrets under the platform's secret name prefix (webhook, Jenkins and notification credentials). */
  | 'readSecrets'
  /**
   * Read artifacts (functions/core/artifacts): s3:GetObject on the objects of exactly the buckets
   * the artifacts setting lists (nothing without), and its GitHub accounts' token secrets.
   */
  | 'readArtifacts'
  /** Checks application permissions (the HTTP API): the permissions setting; no IAM. */
  | 'checkPermissions'
  /**
   * Invoke the cloud, external and canary functions asynchronously with `cancelStage`, to stop what
   * the stages of an ended execution started (functions/core/engine/stage-cleanup.ts).
   */
  | 'cancelStages'
  /** Post the topic's Teams, Google Chat and Slack notifications (functions/notifier): the notification settings; no IAM of its own. */
  | 'deliverNotifications';

export interface HandlerSpec {
  /** Path of the handler module from the source root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly needs: readonly Need[];
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
}

/** Stage families: the compiler points each Task at the function of the stage's family. */
export const STAGE_HANDLERS: Readonly<Record<FunctionFamily, HandlerSpec>> = {
  engine: {
    entry: 'functions/engine/handler.ts',
    description: 'Pipeline start, await and complete steps (and lock release at the end)',
    needs: ['executions', 'locks', 'publish'],
  },
  flow: { entry: 'functions/stages/flow/handler.ts', description: 'Flow-control stages', needs: ['executions', 'publish', 'startChildPipelines'] },
  // Also runs checkPreconditions stages that check a cluster's size (state-machines/stage-types/flow.ts).
  cloud: {
    entry: 'functions/stages/cloud/handler.ts',
    description: 'Cloud stages (server groups, load balancers, clusterSize preconditions)',
    // readMetrics: a progressive step's canary analysis (deploy/step-analysis.ts).
    // readArtifacts: ECS task definition artifacts (deploy/ecs-task-artifact.ts).
    needs: ['executions', 'locks', 'publish', 'cloudDriver', 'lambdaDeploys', 'ecsServices', 'trafficShifts', 'readMetrics', 'readArtifacts'],
    timeoutSeconds: 300,
  },
  // webhook and jenkins (HTTP; Jenkins tokens from Secrets Manager), runJob (ECS tasks).
  external: {
    entry: 'functions/stages/external/handler.ts',
    description: 'Stages that call external systems',
    needs: ['executions', 'publish', 'runTasks', 'readSecrets'],
  },
  // Deploys baseline and canary server groups through the cloud driver and reads their CloudWatch
  // metrics: rights the webhook, Jenkins and runJob stages do not get.
  canary: {
    entry: 'functions/stages/canary/handler.ts',
    description: 'Canary analysis (canary, kayentaCanary)',
    needs: ['executions', 'publish', 'cloudDriver', 'readMetrics'],
  },
};

/** How events reach a trigger handler. */
type TriggerSource =
  /** Step Functions status changes of this platform's pipelines (platform/lifecycle.ts). */
  | { readonly kind: 'status-changes' }
  /** EventBridge Scheduler, one schedule per enabled cron trigger (pipeline/triggers.ts). */
  | { readonly kind: 'schedule' }
  /** An EventBridge rule on the default bus. */
  | { readonly kind: 'events'; readonly source: string; readonly detailType: string }
  /** HTTP API routes that authenticate the request in the handler (webhook signatures). */
  | { readonly kind: 'webhook'; readonly paths: readonly string[]; readonly authenticatedBy: string }
  /**
   * SNS subscriptions to the topics the pipelines' pubsub triggers name (pipeline/triggers.ts,
   * platform/pubsub.ts): nothing to wire until a pipeline names a topic.
   */
  | { readonly kind: 'sns-topics' };

export interface TriggerSpec extends HandlerSpec {
  readonly source: TriggerSource;
  /** The pipeline trigger types this handler fires (from the one table, state-machines/triggers/trigger-types.ts). */
  readonly fires: readonly string[];
}

/** Everything a trigger handler that starts pipelines touches (functions/triggers/deps.ts). */
const STARTS_PIPELINES: readonly Need[] = ['executions', 'locks', 'dedupe', 'publish', 'startPipelines'];
const WEBHOOK_AUTH = 'verifies the delivery signature or token with the secret named by GENNAKER_WEBHOOK_SECRETS_ID';

export const TRIGGER_HANDLERS = {
  lifecycle: {
    entry: 'functions/triggers/lifecycle/handler.ts',
    description: 'Finalises executions on Step Functions status changes',
    // Finalise, release locks and queue slots (starting the next queued run), notify, emit pipeline-completed.
    needs: ['executions', 'locks', 'publish', 'putEvents', 'startPipelines', 'cancelStages'],
    source: { kind: 'status-changes' },
    fires: [],
  },
  cron: {
    entry: 'functions/triggers/cron/handler.ts',
    description: 'Starts pipelines on their cron triggers',
    needs: STARTS_PIPELINES,
    source: { kind: 'schedule' },
    fires: triggerTypesFiredBy('cron'),
  },
  pipeline: {
    entry: 'functions/triggers/pipeline/handler.ts',
    description: 'Starts pipelines when another pipeline completes',
    needs: STARTS_PIPELINES,
    source: { kind: 'events', source: 'gennaker', detailType: 'Pipeline Execution Completed' },
    fires: triggerTypesFiredBy('pipeline'),
  },
  docker: {
    entry: 'functions/triggers/docker/handler.ts',
    description: 'Starts pipelines on ECR image pushes',
    needs: STARTS_PIPELINES,
    source: { kind: 'events', source: 'aws.ecr', detailType: 'ECR Image Action' },
    fires: triggerTypesFiredBy('docker'),
  },
  codebuild: {
    entry: 'functions/triggers/codebuild/handler.ts',
    description: 'Starts pipelines on CodeBuild builds',
    needs: STARTS_PIPELINES,
    source: { kind: 'events', source: 'aws.codebuild', detailType: 'CodeBuild Build State Change' },
    fires: triggerTypesFiredBy('codebuild'),
  },
  git: {
    entry: 'functions/triggers/git/handler.ts',
    description: 'Starts pipelines on git webhooks',
    needs: STARTS_PIPELINES,
    source: { kind: 'webhook', paths: ['/webhooks/git/{provider}'], authenticatedBy: WEBHOOK_AUTH },
    fires: triggerTypesFiredBy('git'),
  },
  ci: {
    entry: 'functions/triggers/ci/handler.ts',
    description: 'Starts pipelines on Jenkins and build webhooks',
    needs: STARTS_PIPELINES,
    source: { kind: 'webhook', paths: ['/webhooks/jenkins/{master}', '/webhooks/build/{master}'], authenticatedBy: WEBHOOK_AUTH },
    fires: triggerTypesFiredBy('ci'),
  },
  pubsub: {
    entry: 'functions/triggers/pubsub/handler.ts',
    description: 'Starts pipelines on SNS messages',
    needs: STARTS_PIPELINES,
    source: { kind: 'sns-topics' },
    fires: triggerTypesFiredBy('pubsub'),
  },
  webhook: {
    entry: 'functions/triggers/webhook/handler.ts',
    description: "Starts pipelines on Spinnaker's generic webhooks",
    needs: STARTS_PIPELINES,
    source: { kind: 'webhook', paths: ['/webhooks/webhook/{source}'], authenticatedBy: `${WEBHOOK_AUTH} (key webhook:<source>; HMAC or token)` },
    fires: triggerTypesFiredBy('webhook'),
  },
  webhookCallback: {
    entry: 'functions/triggers/webhook-callback/handler.ts',
    description: 'Records callbacks for waiting webhook stages',
    needs: ['executions'],
    source: {
      kind: 'webhook',
      paths: ['/webhooks/callback/{executionId}/{refId}'],
      authenticatedBy: 'the token in the callback URL, compared with the hash the waiting stage stored',
    },
    fires: [],
  },
} as const satisfies Record<string, TriggerSpec>;

export type TriggerKind = keyof typeof TRIGGER_HANDLERS;

/** One HTTP API route: method and API Gateway path. */
interface ApiRouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}

export interface ApiHandlerSpec extends HandlerSpec {
  /** Routed with IAM (SigV4) authorization; the same list as functions/api/routes.ts ROUTES (a unit test compares them). */
  readonly routes: readonly ApiRouteSpec[];
}

/**
 * The HTTP API (functions/api): manual triggers, list/get/cancel/pause/resume executions, manual
 * judgments, promotes, stage restarts and the cluster view. It starts pipelines like a trigger
 * (triggerManually, a restart, and the next waiting run after a cancel), stops executions, resumes
 * judgments and promotes by task token, emits the pipeline-completed event after a cancel and
 * reads clusters through the cloud driver.
 */
export const API_HANDLER: ApiHandlerSpec = {
  entry: 'functions/api/handler.ts',
  description: 'HTTP API: applications and pipelines; trigger, list, cancel, judge executions; cluster view',
  needs: [...STARTS_PIPELINES, 'stopExecutions', 'resumeTasks', 'putEvents', 'clusterView', 'cancelStages', 'checkPermissions'],
  routes: [
    { method: 'GET', path: '/applications' },
    { method: 'GET', path: '/applications/{application}/pipelines' },
    { method: 'POST', path: '/pipelines/{application}/{pipeline}/executions' },
    { method: 'GET', path: '/executions' },
    { method: 'GET', path: '/executions/{id}' },
    { method: 'POST', path: '/executions/{id}/cancel' },
    { method: 'POST', path: '/executions/{id}/pause' },
    { method: 'POST', path: '/executions/{id}/resume' },
    { method: 'POST', path: '/executions/{id}/stages/{stage}/judgment' },
    { method: 'POST', path: '/executions/{id}/stages/{stage}/restart' },
    { method: 'POST', path: '/executions/{id}/promote' },
    { method: 'GET', path: '/applications/{application}/clusters' },
  ],
};

/** Trigger types started by a person (API, CLI): nothing to wire. */
export const MANUAL_TRIGGER_TYPES: readonly string[] = triggerTypesFiredBy('manual');

/**
 * The notifier: subscribed to the notification topic for the types whose address is a credential
 * (an incoming-webhook URL, by secret reference), which it resolves and posts at send time.
 */
export const NOTIFIER_HANDLER: HandlerSpec = {
  entry: 'functions/notifier/handler.ts',
  description: 'Posts Teams, Google Chat and Slack notifications, resolving their webhook URLs at send time',
  needs: ['readSecrets', 'deliverNotifications'],
};
