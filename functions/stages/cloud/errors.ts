/**
 * Errors of the cloud stages, and the one place that decides what an error means for a stage:
 *   failed     the stage fails (bad input, a refused operation, AWS said no): a FAILED result
 *   transient  AWS kept throttling, or a call got no answer (it may or may not have happened):
 *              a TransientStageError, which Step Functions retries with backoff; the re-run
 *              converges because every step is idempotent
 *   crash      anything else (a bug): rethrown as it is; the state machine fails the stage
 * A Lambda that dies or times out mid-call is retried by Step Functions the same way as transient.
 */
import { AwsCallError, CloudDriverError, TransientCloudError } from '../../core/cloud/index.js';
import { ClusterLockedError } from '../../core/cluster-lock.js';
import { GennakerError } from '../../../state-machines/errors.js';
import { StageConfigError, TransientStageError } from '../../core/stage-api.js';
import { TrafficGuardConfigError, TrafficGuardError } from '../../core/traffic-guards.js';

/** A cloud stage could not do what it was asked; the message says why. */
export class CloudStageError extends GennakerError {}
/** No image to deploy: none given and none from upstream stages. */
export class NoImageError extends CloudStageError {
  override readonly kind = 'input';
}
/** A Spinnaker target (current, ancestor, ...) names no server group. */
export class NoTargetError extends CloudStageError {
  override readonly kind = 'not-found';
}
/** Instances did not come up in time. */
export class NotUpError extends CloudStageError {}
/** The bake failed (base image, builder, provisioning script, image). */
export class BakeError extends CloudStageError {}
/** Bake configuration (GENNAKER_BAKE_CONFIG) is malformed. */
export class BakeConfigError extends CloudStageError {
  override readonly kind = 'input';
}
/** Nothing to roll back to. */
export class RollbackError extends CloudStageError {
  override readonly kind = 'conflict';
}

/** What an error means for a cloud stage (not the caller-facing ErrorKind of state-machines/errors.ts). */
type StageErrorOutcome = 'failed' | 'transient' | 'crash';

function classifyError(error: unknown): StageErrorOutcome {
  if (
    error instanceof CloudStageError ||
    error instanceof StageConfigError ||
    error instanceof TrafficGuardError ||
    error instanceof TrafficGuardConfigError ||
    error instanceof ClusterLockedError
  ) {
    return 'failed';
  }
  if (error instanceof TransientCloudError) return 'transient';
  // An AWS error code means AWS answered and refused; without one the call never completed.
  if (error instanceof AwsCallError) return error.code !== undefined ? 'failed' : 'transient';
  if (error instanceof CloudDriverError) return 'failed';
  return 'crash';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Returns when the error means the stage failed; throws what Step Functions should retry, or the crash. */
export function rethrowUnlessFailed(error: unknown): void {
  const kind = classifyError(error);
  if (kind === 'transient') throw new TransientStageError(errorMessage(error), { cause: error });
  if (kind === 'crash') throw error;
}
