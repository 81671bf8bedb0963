/**
 * Orca's admission policy for a pipeline's runs (pure):
 *
 *   limitConcurrent          one run at a time (Spinnaker's default)
 *   maxConcurrentExecutions  at most N at a time (when limitConcurrent is off; 0 = no limit)
 *   keepWaitingPipelines     keep every waiting run (first in, first out), or only the newest one
 *                            and cancel the others
 */
import type { Pipeline } from '../../../state-machines/model/pipeline.js';

export interface ConcurrencyPolicy {
  /** Runs allowed at once; 0 = no limit. */
  readonly maxRunning: number;
  /** true: every waiting run starts in turn; false: only the newest waits, older ones are canceled. */
  readonly keepWaiting: boolean;
}

export function concurrencyPolicyOf(pipeline: Pick<Pipeline, 'limitConcurrent' | 'maxConcurrentExecutions' | 'keepWaitingPipelines'>): ConcurrencyPolicy {
  const maxRunning = pipeline.limitConcurrent ? 1 : Math.max(0, pipeline.maxConcurrentExecutions);
  return { maxRunning, keepWaiting: pipeline.keepWaitingPipelines };
}

/** "app/pipelineId": the queue and slot key of a pipeline. */
export function queueKeyOf(application: string, pipelineId: string): string {
  return `${application}/${pipelineId}`;
}
