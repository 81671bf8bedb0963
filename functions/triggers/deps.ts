/**
 * What the trigger path needs, built once per Lambda container from the environment, or given
 * piecemeal by tests and local mode (e.g. a launcher that runs pipelines in-process).
 *
 * Environment: GENNAKER_EXECUTIONS_TABLE, GENNAKER_LOCKS_TABLE, GENNAKER_DEDUPE_TABLE,
 * GENNAKER_STATE_MACHINES, GENNAKER_PIPELINES_MANIFEST (or a bundled manifest / pipelines dir),
 * GENNAKER_TOPIC_ARN, GENNAKER_WEBHOOK_SECRETS_ID, GENNAKER_ALLOW_UNSIGNED_WEBHOOKS,
 * GENNAKER_DEDUPE_TTL_SECONDS.
 */
import { ExecutionQueue } from '../core/concurrency.js';
import { ExecutionStore } from '../core/execution-store.js';
import { defaultNotifier, type Notifier } from '../core/notifications.js';
import { type PipelineLauncher, StepFunctionsLauncher } from '../core/pipeline-launcher.js';
import { functionRegistryFromEnv, type PipelineRegistry } from '../core/pipeline-registry.js';
import { type Clock, systemClock } from '../core/stage-api.js';
import { DEFAULT_DEDUPE_TTL_SECONDS, DedupeTable } from './dedupe.js';
import { powertoolsLog, type Log } from '../core/log.js';
import { registryNotificationTargets } from './notification-targets.js';
import { type WebhookSecrets, webhookSecretsFromEnv } from './secrets.js';

export interface TriggerDeps {
  readonly registry: PipelineRegistry;
  readonly store: ExecutionStore;
  readonly launcher: PipelineLauncher;
  readonly notifier: Notifier;
  readonly queue: ExecutionQueue;
  readonly dedupe: DedupeTable;
  readonly clock: Clock;
  readonly log: Log;
  readonly secrets: WebhookSecrets;
}

export interface TriggerDepsParts {
  readonly registry?: PipelineRegistry;
  readonly store?: ExecutionStore;
  /** Receives the store, so a launcher can read records (StepFunctionsLauncher does). */
  readonly launcher?: PipelineLauncher | ((store: ExecutionStore) => PipelineLauncher);
  readonly notifier?: Notifier;
  readonly clock?: Clock;
  readonly log?: Log;
  readonly secrets?: WebhookSecrets;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function buildTriggerDeps(parts: TriggerDepsParts = {}): TriggerDeps {
  const env = parts.env ?? process.env;
  const registry = parts.registry ?? functionRegistryFromEnv(env);
  const store = parts.store ?? new ExecutionStore();
  const clock = parts.clock ?? systemClock;
  const launcher = typeof parts.launcher === 'function' ? parts.launcher(store) : (parts.launcher ?? new StepFunctionsLauncher(store));
  const notifier = parts.notifier ?? defaultNotifier(registryNotificationTargets(registry));
  const ttl = Number(env.GENNAKER_DEDUPE_TTL_SECONDS ?? DEFAULT_DEDUPE_TTL_SECONDS);
  return {
    registry,
    store,
    launcher,
    notifier,
    clock,
    queue: new ExecutionQueue({ store, launcher, clock, notifier }),
    dedupe: new DedupeTable(clock, undefined, undefined, Number.isFinite(ttl) && ttl > 0 ? ttl : DEFAULT_DEDUPE_TTL_SECONDS),
    log: parts.log ?? powertoolsLog(),
    secrets: parts.secrets ?? webhookSecretsFromEnv(env),
  };
}

/** Deps built on first use and kept for the container's life. */
export function lazyTriggerDeps(parts?: TriggerDepsParts | (() => TriggerDepsParts)): () => TriggerDeps {
  let deps: TriggerDeps | undefined;
  return () => (deps ??= buildTriggerDeps(typeof parts === 'function' ? parts() : parts));
}
