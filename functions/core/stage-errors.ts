/**
 * The errors a stage throws, apart from the stage contract (stage-api.ts) so that modules the
 * contract refers to (the secret scope) can throw them without an import cycle.
 */
import { GennakerError } from '../../state-machines/errors.js';

/** Thrown by a stage for errors Step Functions should retry (throttling, timeouts). */
export class TransientStageError extends GennakerError {
  override readonly name = 'TransientStageError';
  override readonly kind = 'transient';
}
/** Thrown by a stage for bad configuration; becomes a FAILED result with this message. */
export class StageConfigError extends GennakerError {
  override readonly name = 'StageConfigError';
  override readonly kind = 'input';
}
