/**
 * What an execution record keeps of each stage (Orca's stage skeleton): identity, graph and
 * failure options, and the stage's own notification settings. The one builder: the start step's
 * payload (compiler/payloads.ts) and a queued run's record (functions/core/concurrency.ts) both
 * use it, so a run that waited has the same record as one that started at once.
 */
import type { FailurePolicy, Stage } from './pipeline.js';

export interface StageSkeleton {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
  readonly requisiteStageRefIds: readonly string[];
  readonly failurePolicy: FailurePolicy;
  /** The stage's own notification settings (Spinnaker's `notifications` on a stage), when it has any. */
  readonly notifications?: readonly Record<string, unknown>[];
}

export function stageSkeleton(
  stage: Pick<Stage, 'refId' | 'name' | 'type' | 'requisiteStageRefIds' | 'failurePolicy'> & { readonly notifications?: readonly object[] | undefined },
): StageSkeleton {
  return {
    refId: stage.refId,
    name: stage.name,
    type: stage.type,
    requisiteStageRefIds: stage.requisiteStageRefIds,
    failurePolicy: stage.failurePolicy,
    ...(stage.notifications && stage.notifications.length > 0 ? { notifications: stage.notifications as Record<string, unknown>[] } : {}),
  };
}
