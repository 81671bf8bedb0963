/** Errors of the canary stage (the judge and the metric reads have their own in functions/core/canary-analysis). */
import { GennakerError } from '../../../state-machines/errors.js';

class CanaryStageError extends GennakerError {}

/** The production cluster has no server group to compare against. */
export class NoProductionGroupError extends CanaryStageError {
  override readonly kind = 'not-found';
}
