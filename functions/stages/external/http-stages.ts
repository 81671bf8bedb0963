/** The external stages that only speak HTTP (webhook, jenkins), with what cancels them. */
import type { StageImplementation, StageRunContext } from '../../core/stage-api.js';
import type { SecretFetcher } from '../../core/secrets/scope.js';
import { secretsManagerFetcher } from '../../core/secrets/secrets-manager.js';
import { httpSender, type HttpSender } from '../../core/http/client.js';
import { JenkinsMasters, loadJenkinsMasterConfigs } from './jenkins/masters.js';
import { cancelJenkins, jenkinsStage } from './jenkins/stage.js';
import { cancelWebhook } from './webhook/cancel.js';
import { webhookStage, withSecrets } from './webhook/stage.js';
import { preconfiguredWebhookStages } from './webhook/preconfigured.js';
import { loadPreconfiguredWebhooks } from '../../core/preconfigured-webhook-types.js';
import {
  type PreconfiguredWebhook,
  preconfiguredWebhook,
  preconfiguredWebhookTypes,
  registerPreconfiguredWebhooks,
} from '../../../state-machines/stage-types/preconfigured-webhooks.js';

export interface HttpStageDeps {
  /** @default httpSender() (functions/core/http): 30 s timeout, link-local addresses refused */
  readonly http?: HttpSender;
  /** Base URL webhook callbacks are delivered to. @default GENNAKER_WEBHOOK_CALLBACK_URL */
  readonly callbackBaseUrl?: string;
  /** @default the masters in GENNAKER_JENKINS_MASTERS / GENNAKER_JENKINS_MASTERS_FILE, loaded once */
  readonly jenkinsMasters?: () => Promise<JenkinsMasters>;
  /** Where secret references (webhook fields, Jenkins tokens) are read. @default Secrets Manager in the reference's region */
  readonly secrets?: SecretFetcher;
  /** Operator-defined webhook stage types. @default those in GENNAKER_PRECONFIGURED_WEBHOOKS_FILE (registered as stage types) */
  readonly preconfiguredWebhooks?: readonly PreconfiguredWebhook[];
}

interface Resolved {
  readonly http: HttpSender;
  readonly secrets: SecretFetcher;
  readonly callbackBaseUrl?: string;
  readonly masters: () => Promise<JenkinsMasters>;
}

function resolve(deps: HttpStageDeps): Resolved {
  let masters: Promise<JenkinsMasters> | undefined;
  return {
    http: deps.http ?? httpSender(),
    secrets: deps.secrets ?? secretsManagerFetcher(),
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
  };
}

/**
 * Given definitions are registered too: the engine reads a stage's type info (timeouts) from the
 * registry. Without any, those the process registered already (the CLI reads the YAML file), else
 * the bundled JSON file's.
 */
function preconfigured(deps: HttpStageDeps): readonly PreconfiguredWebhook[] {
  if (!deps.preconfiguredWebhooks) {
    const known = preconfiguredWebhookTypes().map((type) => preconfiguredWebhook(type)!);
    return known.length > 0 ? known : loadPreconfiguredWebhooks();
  }
  registerPreconfiguredWebhooks(deps.preconfiguredWebhooks);
  return deps.preconfiguredWebhooks;
}

/** Stops what a webhook or jenkins stage started (best effort); a line for the record. */
async function cancelHttpStage(type: string, ctx: StageRunContext, r: Resolved): Promise<string> {
  if (type === 'webhook') {
    let config: Record<string, unknown>;
    try {
      config = await withSecrets(ctx.stage.config, ctx.secrets);
    } catch (error) {
      return `not canceled: ${(error as Error).message}`;
    }
    const outcome = await cancelWebhook(config, ctx.state, r.http);
    return outcome.sent ? (outcome.error ?? `cancel endpoint answered ${outcome.statusCode}`) : outcome.reason;
  }
  const outcome = await cancelJenkins(ctx.stage.config, ctx.state, { http: r.http, masters: r.masters }, ctx.secrets);
  return outcome.reason ?? 'build stopped';
}

/** webhook and jenkins, each with a cancel() the engine calls on timeout and on a canceled execution. */
export function httpStages(deps: HttpStageDeps = {}): StageImplementation[] {
  const r = resolve(deps);
  const stages = [
    webhookStage({ http: r.http, secrets: r.secrets, ...(r.callbackBaseUrl !== undefined ? { callbackBaseUrl: r.callbackBaseUrl } : {}) }),
    jenkinsStage({ http: r.http, masters: r.masters, secrets: r.secrets }),
  ].map((stage): StageImplementation => ({ ...stage, cancel: (ctx) => cancelHttpStage(stage.type, ctx, r) }));
  const webhook = stages[0]!;
  return [...stages, ...preconfiguredWebhookStages(preconfigured(deps), webhook)];
}
