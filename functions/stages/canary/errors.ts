/** Errors of the canary stage (the judge has its own in judge/errors.ts). */
import { GennakerError } from '../../../state-machines/errors.js';

export class CanaryStageError extends GennakerError {}

/** The production cluster has no server group to compare against. */
export class NoProductionGroupError extends CanaryStageError {
  override readonly kind = 'not-found';
}

/** Reading metrics from CloudWatch failed. */
export class MetricsFetchError extends CanaryStageError {
  override readonly kind: 'transient' | 'internal';
  constructor(
    message: string,
    /** Throttling or an AWS-side fault: trying again later may work. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = retryable ? 'transient' : 'internal';
  }
}
