/** Errors of reading canary metrics (the judge has its own in judge/errors.ts). */
import { GennakerError } from '../../../state-machines/errors.js';

/** Reading metrics from CloudWatch failed. */
export class MetricsFetchError extends GennakerError {
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
