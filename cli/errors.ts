/**
 * Errors become one-line messages (never a stack trace) and exit codes here; the code is the error
 * kind's, from the one table in state-machines/errors.ts that also gives the API its statuses.
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ERROR_KINDS, GennakerError } from '../state-machines/errors.js';

export class UsageError extends GennakerError {
  override readonly name = 'UsageError';
  override readonly kind = 'input';
}

/** Exit codes of outcomes (a run that failed) beside those of errors, which come from the table. */
export const EXIT = { ok: 0, failed: 1, invalid: ERROR_KINDS.input.exit, internal: ERROR_KINDS.internal.exit } as const;

export function messageFor(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    // DynamoDB's answer for a table that is not there.
    if (error instanceof ResourceNotFoundException) return 'no execution records here (is a local run active, or are AWS credentials set?)';
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
