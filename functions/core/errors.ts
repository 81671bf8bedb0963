/** Named errors of the runtime; the CLI and HTTP layers map them to exit codes and statuses in one place. */
export class GennakerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
export class ExecutionNotFoundError extends GennakerError {}
export class ConcurrentUpdateError extends GennakerError {}
export class RecordTooLargeError extends GennakerError {}
export class JudgmentError extends GennakerError {}
/** A judgment is recorded but the state machine could not be resumed yet; answering again retries. */
export class ResumeFailedError extends GennakerError {}
export class InvalidInputError extends GennakerError {}
