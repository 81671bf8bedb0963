/**
 * The trigger path every source shares: find the pipelines whose enabled triggers match a
 * normalised event, build Spinnaker's trigger object for each, check parameters, claim the
 * delivery in the dedupe table, and admit the run under the pipeline's concurrency policy.
 *
 * Sources only normalise and match (pure); this module does the AWS calls through its deps.
 */
import { createHash } from 'node:crypto';
import { resolveParameters } from '../../state-machines/model/parameters.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import type { TriggerConfig } from '../../state-machines/model/schema.js';
import { bindTriggerArtifacts, priorArtifactsIn } from '../core/artifacts/bind.js';
import { ArtifactResolutionError } from '../core/artifacts/resolve.js';
import { executionNameFor } from '../core/pipeline-launcher.js';
import type { PipelineEntry } from '../core/pipeline-registry.js';
import type { TriggerDeps } from './deps.js';
import { ParameterError, PipelineDisabledError, TriggerError } from './errors.js';

/** An event as a trigger source understood it. */
export interface TriggerEvent {
  /** The source, for logs and dedupe keys: github, gitlab, jenkins, ecr, sns, cron, ... */
  readonly source: string;
  /** Identifies the delivery: a redelivery of the same event has the same key. */
  readonly deliveryKey: string;
  /**
   * The id the sender gives the delivery, when it gives one (GitHub's X-GitHub-Delivery, GitLab's
   * Idempotency-Key, Bitbucket's X-Request-Id): a delivery whose key or id was seen is a duplicate.
   */
  readonly deliveryId?: string;
  /** Spinnaker's trigger object as far as the event supplies it (type, user, branch, tag...). */
  readonly trigger: Readonly<Record<string, unknown>>;
}

export type MatchResult =
  | { readonly matched: true; /** Fields to add to the trigger object for this pipeline. */ readonly trigger?: Readonly<Record<string, unknown>> }
  | { readonly matched: false; /** Why not, when worth logging (set for near misses only). */ readonly reason?: string };

export type TriggerMatcher = (config: TriggerConfig, entry: PipelineEntry) => MatchResult | Promise<MatchResult>;

export type PipelineOutcome =
  | { readonly pipeline: string; readonly status: 'started' | 'waiting' | 'duplicate'; readonly executionId: string }
  | { readonly pipeline: string; readonly status: 'refused'; readonly reason: string };

export interface DispatchResult {
  readonly source: string;
  readonly outcomes: readonly PipelineOutcome[];
  /** Pipelines with a trigger of this kind that did not match, and why (when known). */
  readonly skipped: ReadonlyArray<{ readonly pipeline: string; readonly reason: string }>;
}

/** Start failed for an AWS reason: the source should deliver again (the dedupe claim was undone). */
class TriggerLaunchError extends TriggerError {}

export function pipelineRef(pipeline: Pick<Pipeline, 'application' | 'name'>): string {
  return `${pipeline.application}/${pipeline.name}`;
}

/** `<pipelineId>-<hash of the dedupe key>`: the same delivery always names the same execution. */
export function executionIdFor(dedupeKey: string, pipeline: Pick<Pipeline, 'id'>): string {
  const digest = createHash('sha256').update(dedupeKey).digest('hex').slice(0, 20);
  return executionNameFor(`${pipeline.id.slice(0, 59)}-${digest}`);
}

export function dedupeKeyFor(event: Pick<TriggerEvent, 'source' | 'deliveryKey'>, pipeline: Pick<Pipeline, 'application' | 'id'>): string {
  return `${event.source}:${event.deliveryKey}|${pipeline.application}/${pipeline.id}`;
}

/** Every key a delivery is known by: its dedupe key (which names the execution) first, then its sender's id. */
function dedupeKeysFor(event: Pick<TriggerEvent, 'source' | 'deliveryKey' | 'deliveryId'>, pipeline: Pick<Pipeline, 'application' | 'id'>): string[] {
  const key = dedupeKeyFor(event, pipeline);
  return event.deliveryId ? [key, `${event.source}:id-${event.deliveryId}|${pipeline.application}/${pipeline.id}`] : [key];
}

/**
 * Spinnaker's trigger object: the trigger's settings, overridden by what the event says (the
 * configured branch pattern gives way to the branch pushed). A `secret` is never copied.
 */
export function triggerObject(
  config: TriggerConfig,
  fromEvent: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const { secret: _secret, enabled: _enabled, ...settings } = config as TriggerConfig & { secret?: unknown };
  return { ...settings, ...fromEvent, ...extra };
}

/** Starts every pipeline one of whose enabled triggers of the given types matches the event. */
export async function startMatchingPipelines(
  event: TriggerEvent,
  types: readonly string[],
  matcher: TriggerMatcher,
  deps: TriggerDeps,
): Promise<DispatchResult> {
  const skipped: Array<{ pipeline: string; reason: string }> = [];
  const matched: Array<{ entry: PipelineEntry; trigger: Record<string, unknown> }> = [];
  for (const entry of await deps.registry.list()) {
    if (entry.disabled) continue;
    const candidates = entry.pipeline.triggers.filter((t) => types.includes(t.type) && t.enabled !== false);
    let reason: string | undefined;
    for (const config of candidates) {
      const result = await matcher(config, entry);
      if (result.matched) {
        matched.push({ entry, trigger: triggerObject(config, event.trigger, result.trigger) });
        reason = undefined;
        break;
      }
      reason ??= result.reason;
    }
    if (reason !== undefined) skipped.push({ pipeline: pipelineRef(entry.pipeline), reason });
  }

  const settled = await Promise.allSettled(matched.map(({ entry, trigger }) => startPipeline(entry, trigger, event, deps)));
  const outcomes: PipelineOutcome[] = [];
  const failures: unknown[] = [];
  settled.forEach((s, i) => {
    const pipeline = pipelineRef(matched[i]!.entry.pipeline);
    if (s.status === 'fulfilled') outcomes.push(s.value);
    else if (s.reason instanceof ParameterError || s.reason instanceof PipelineDisabledError || s.reason instanceof ArtifactResolutionError) {
      outcomes.push({ pipeline, status: 'refused', reason: s.reason.message });
    } else failures.push(s.reason);
  });
  for (const o of outcomes) {
    if (o.status === 'refused') deps.log.warn('trigger refused', { source: event.source, pipeline: o.pipeline, reason: o.reason });
    else deps.log.info(`trigger ${o.status}`, { source: event.source, pipeline: o.pipeline, executionId: o.executionId });
  }
  for (const s of skipped) deps.log.info('trigger did not match', { source: event.source, ...s });
  if (failures.length > 0) {
    const first = failures[0] as Error;
    deps.log.error('trigger could not start a pipeline', { source: event.source, error: first?.message, failed: failures.length });
    throw new TriggerLaunchError(`could not start ${failures.length} pipeline(s): ${first?.message ?? String(first)}`, { cause: first });
  }
  return { source: event.source, outcomes, skipped };
}

/**
 * Starts one pipeline for an event: parameters checked against parameterConfig (defaults applied),
 * the delivery claimed in the dedupe table, the run admitted under the concurrency policy.
 * Throws ParameterError / PipelineDisabledError / ArtifactResolutionError for input that does not fit.
 */
export async function startPipeline(
  entry: PipelineEntry,
  trigger: Record<string, unknown>,
  event: Pick<TriggerEvent, 'source' | 'deliveryKey' | 'deliveryId'>,
  deps: TriggerDeps,
): Promise<PipelineOutcome> {
  const { pipeline } = entry;
  const ref = pipelineRef(pipeline);
  if (entry.disabled) throw new PipelineDisabledError(`pipeline ${ref} is disabled`);
  const given = (typeof trigger.parameters === 'object' && trigger.parameters !== null ? trigger.parameters : {}) as Record<string, unknown>;
  const resolved = resolveParameters(pipeline.parameterConfig, given);
  if (resolved.errors.length > 0) {
    throw new ParameterError(`parameters do not fit ${ref}: ${resolved.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, resolved.errors);
  }
  // Expected artifacts bound now (trigger, prior run, defaults): a required one unbound starts nothing.
  const withArtifacts = await bindTriggerArtifacts(pipeline, trigger, priorArtifactsIn(deps.store, pipeline));
  const keys = dedupeKeysFor(event, pipeline);
  const executionId = executionIdFor(keys[0]!, pipeline);
  const claim = await deps.dedupe.claim(keys, executionId);
  if (!claim.first) return { pipeline: ref, status: 'duplicate', executionId: claim.executionId };
  const launch = {
    application: pipeline.application,
    pipeline: pipeline.id,
    executionId,
    trigger: { user: '[anonymous]', ...withArtifacts, parameters: resolved.parameters },
    parameters: resolved.parameters,
  };
  try {
    const admission = await deps.queue.admit(pipeline, launch);
    return { pipeline: ref, status: admission.outcome, executionId };
  } catch (error) {
    await deps.dedupe.release(keys, executionId).catch(() => undefined);
    throw error;
  }
}
