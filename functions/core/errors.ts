/** Named errors of the runtime, each with its kind (state-machines/errors.ts maps kinds to HTTP statuses and exit codes). */
import { GennakerError } from '../../state-machines/errors.js';

export class ExecutionNotFoundError extends GennakerError {
  override readonly kind = 'not-found';
}
/** The record changed under us more often than the bounded retries allow. */
export class ConcurrentUpdateError extends GennakerError {
  override readonly kind = 'conflict';
}
export class RecordTooLargeError extends GennakerError {
  override readonly kind = 'too-large';
}
/** A judgment the stage cannot take now (no such stage, not waiting). */
export class JudgmentError extends GennakerError {
  override readonly kind: 'conflict' | 'forbidden' | 'input' = 'conflict';
}
/** The judge lacks every role the stage requires. */
export class JudgmentForbiddenError extends JudgmentError {
  override readonly kind = 'forbidden';
}
/** The judgment's input is not one the stage offers. */
export class JudgmentInputError extends JudgmentError {
  override readonly kind = 'input';
}
/** A promote that cannot be given (no stage waits for one): a conflict, like a judgment that cannot be taken. */
export class PromoteError extends GennakerError {
  override readonly kind = 'conflict';
}
export class InvalidInputError extends GennakerError {
  override readonly kind = 'input';
}
/** A judgment is recorded but the state machine could not be resumed yet; answering again retries. */
export class ResumeFailedError extends GennakerError {
  override readonly kind = 'transient';
}
/** An execution's completed event is being emitted by another caller (execution-end.ts): retrying later finds it sent or takes it over. */
export class CompletedEventPendingError extends GennakerError {
  override readonly kind = 'transient';
}
