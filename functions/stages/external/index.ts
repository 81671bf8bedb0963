/**
 * The external family: stages that call systems outside AWS's control plane or run work elsewhere
 * (webhook, jenkins, runJob) and the canary (canary / kayentaCanary). `externalStages(deps)` builds
 * them; every dependency has a production default and can be injected (tests, local mode).
 * `cancelExternalStage` is for the cancel path: it undoes or stops what a stage started.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { cloudwatchClient, ecsClient } from '../../core/aws-clients.js';
import { cloudClients, cloudDriver } from '../../core/cloud/index.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { canaryStage, cleanupCanary, type CanaryDeps } from '../canary/stage.js';
import { cloudFleet, type CanaryFleet } from '../canary/fleet.js';
import { awsTargets, type AwsTarget } from './aws-target.js';
import { httpSender, type HttpSender } from './http/client.js';
import { jenkinsStage, cancelJenkins } from './jenkins/stage.js';
import { JenkinsMasters, loadJenkinsMasterConfigs } from './jenkins/masters.js';
import { cancelRunJob, runJobStage, type RunJobDeps } from './run-job/stage.js';
import { cancelWebhook } from './webhook/cancel.js';
import { webhookStage } from './webhook/stage.js';

export interface ExternalDeps {
  /** @default httpSender(): global fetch, 30 s timeout, link-local addresses refused */
  readonly http?: HttpSender;
  /** Base URL webhook callbacks are delivered to. @default GENNAKER_WEBHOOK_CALLBACK_URL */
  readonly callbackBaseUrl?: string;
  /** @default the masters in GENNAKER_JENKINS_MASTERS / GENNAKER_JENKINS_MASTERS_FILE, loaded once */
  readonly jenkinsMasters?: () => Promise<JenkinsMasters>;
  /** Account + region → client options. @default the accounts file and STS roles (functions/core/cloud) */
  readonly target?: (account: string | undefined, region: string | undefined) => Promise<AwsTarget>;
  readonly ecs?: (target: AwsTarget) => ECSClient;
  readonly cloudwatch?: (target: AwsTarget) => CloudWatchClient;
  /** @default the cloud driver's server groups */
  readonly canaryFleet?: (target: AwsTarget) => CanaryFleet;
}

interface ResolvedDeps {
  readonly http: HttpSender;
  readonly callbackBaseUrl?: string;
  readonly masters: () => Promise<JenkinsMasters>;
  readonly runJob: RunJobDeps;
  readonly canary: CanaryDeps;
}

function resolve(deps: ExternalDeps): ResolvedDeps {
  const http = deps.http ?? httpSender();
  let masters: Promise<JenkinsMasters> | undefined;
  const target = deps.target ?? awsTargets();
  return {
    http,
    ...(deps.callbackBaseUrl !== undefined ? { callbackBaseUrl: deps.callbackBaseUrl } : {}),
    masters:
      deps.jenkinsMasters ??
      (() => {
        if (!masters) {
          const loading = loadJenkinsMasterConfigs().then((configs) => new JenkinsMasters(configs));
          // A configuration error is reported by every call until it is fixed, not cached forever.
          loading.catch(() => (masters = undefined));
          masters = loading;
        }
        return masters;
      }),
    runJob: { target, ecs: deps.ecs ?? ((t) => ecsClient(t.clientOptions)) },
    canary: {
      target,
      fleet: deps.canaryFleet ?? ((t) => cloudFleet(cloudDriver(cloudClients(t.clientOptions)))),
      cloudwatch: deps.cloudwatch ?? ((t) => cloudwatchClient(t.clientOptions)),
    },
  };
}

export function externalStages(deps: ExternalDeps = {}): StageImplementation[] {
  const r = resolve(deps);
  const stages = [
    webhookStage({ http: r.http, ...(r.callbackBaseUrl !== undefined ? { callbackBaseUrl: r.callbackBaseUrl } : {}) }),
    jenkinsStage({ http: r.http, masters: r.masters }),
    runJobStage(r.runJob),
    canaryStage(r.canary, 'canary'),
    canaryStage(r.canary, 'kayentaCanary'),
  ];
  // The engine calls cancel() on timeout and on a canceled execution.
  return stages.map((stage) => ({
    ...stage,
    cancel: async (ctx) => (await cancelExternalStage(stage.type, ctx.stage.config, ctx.state, deps)).detail,
  }));
}

export type CancelResult = { readonly done: boolean; readonly detail: string };

/**
 * Stops or undoes what a stage of this family started, from its evaluated config and its context
 * (the record's). Best effort: never throws. For stage types of other families it does nothing.
 */
export async function cancelExternalStage(
  type: string,
  config: Readonly<Record<string, unknown>>,
  context: Readonly<Record<string, unknown>>,
  deps: ExternalDeps = {},
): Promise<CancelResult> {
  const r = resolve(deps);
  switch (type) {
    case 'webhook': {
      const outcome = await cancelWebhook(config, context, r.http);
      return outcome.sent ? { done: !outcome.error, detail: outcome.error ?? `cancel endpoint answered ${outcome.statusCode}` } : { done: false, detail: outcome.reason };
    }
    case 'jenkins': {
      const outcome = await cancelJenkins(config, context, { http: r.http, masters: r.masters });
      return { done: outcome.stopped, detail: outcome.reason ?? 'build stopped' };
    }
    case 'runJob': {
      const outcome = await cancelRunJob(config, context, r.runJob);
      return { done: outcome.stopped, detail: outcome.reason ?? 'task stopped' };
    }
    case 'canary':
    case 'kayentaCanary': {
      const report = await cleanupCanary(context, r.canary);
      return {
        done: report.errors.length === 0,
        detail: report.errors.length > 0 ? `cleanup failed: ${report.errors.join('; ')}` : `destroyed ${report.destroyed.join(', ') || 'nothing'}`,
      };
    }
    default:
      return { done: false, detail: `${type} is not an external stage type` };
  }
}

export { deliverWebhookCallback, MAX_CALLBACK_BODY_CHARS, type CallbackOptions } from './webhook/callback.js';
export { CALLBACK_URL_ENV, type WebhookDeps } from './webhook/stage.js';
export { CALLBACK_URL_HEADER, CALLBACK_URL_PLACEHOLDER, parseWebhookConfig, type WebhookConfig } from './webhook/config.js';
export { cancelWebhook } from './webhook/cancel.js';
export { cancelJenkins, MARKER_PARAMETER } from './jenkins/stage.js';
export { JenkinsMasters, loadJenkinsMasterConfigs, parseJenkinsMasters, JENKINS_MASTERS_ENV, JENKINS_MASTERS_FILE_ENV } from './jenkins/masters.js';
export { cancelRunJob } from './run-job/stage.js';
export { cleanupCanary } from '../canary/stage.js';
export { httpSender, type HttpSender, type HttpOptions, type HttpRequest, type HttpResponse } from './http/client.js';
export { ALLOW_LINK_LOCAL_ENV, forbiddenAddressReason } from './http/address-guard.js';
export { awsTargets, type AwsTarget } from './aws-target.js';
export * from './errors.js';
