/**
 * Manual triggers (the API and the CLI): `{type: 'manual', user, parameters, artifacts?}`. Parameters are
 * checked against the pipeline's parameterConfig (required ones present, values among the options,
 * defaults applied); a request that does not fit is refused with every problem listed. An
 * idempotency key makes retries of one request start one execution.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { ArtifactSchema } from '../../../state-machines/model/expected-artifacts.js';
import type { TriggerDeps } from '../deps.js';
import { startPipeline } from '../dispatch.js';
import { MalformedEventError, PipelineNotFoundError } from '../errors.js';

export const ManualTriggerSchema = z.strictObject({
  parameters: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  /** Same key, same execution: retries of one request start it once. */
  idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** Free text kept on the trigger (why this run was started). */
  description: z.optional(z.string().check(z.maxLength(1000))),
  /** Artifacts for the pipeline's expectedArtifacts to match (Deck's manual run dialog). */
  artifacts: z.optional(z.array(ArtifactSchema).check(z.maxLength(100))),
});

export interface ManualTriggerRequest {
  readonly application: string;
  /** Pipeline id or name. */
  readonly pipeline: string;
  readonly user: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly idempotencyKey?: string;
  readonly description?: string;
  readonly artifacts?: readonly Readonly<Record<string, unknown>>[];
}

export interface ManualTriggerResult {
  readonly executionId: string;
  readonly application: string;
  readonly pipeline: string;
  readonly pipelineId: string;
  /** started: running now; waiting: queued behind a running one; duplicate: this key already started it. */
  readonly status: 'started' | 'waiting' | 'duplicate';
}

export async function triggerManually(request: ManualTriggerRequest, deps: TriggerDeps): Promise<ManualTriggerResult> {
  if (!request.application || !request.pipeline) throw new MalformedEventError('application and pipeline are required');
  const entry = await deps.registry.get(request.application, request.pipeline);
  if (!entry) throw new PipelineNotFoundError(`no pipeline '${request.pipeline}' in application '${request.application}'`);
  const trigger: Record<string, unknown> = {
    type: 'manual',
    user: request.user,
    parameters: { ...request.parameters },
    ...(request.description ? { description: request.description } : {}),
    ...(request.artifacts && request.artifacts.length > 0 ? { artifacts: request.artifacts } : {}),
  };
  const deliveryKey = request.idempotencyKey ? `${request.user}:${request.idempotencyKey}` : randomUUID();
  const outcome = await startPipeline(entry, trigger, { source: 'manual', deliveryKey }, deps);
  if (outcome.status === 'refused') throw new MalformedEventError(outcome.reason);
  deps.log.info(`manual trigger ${outcome.status}`, { pipeline: outcome.pipeline, executionId: outcome.executionId, user: request.user });
  return {
    executionId: outcome.executionId,
    application: entry.pipeline.application,
    pipeline: entry.pipeline.name,
    pipelineId: entry.pipeline.id,
    status: outcome.status,
  };
}
