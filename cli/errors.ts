/** The one place errors become exit codes and one-line messages (never a stack trace). */
import { MotoUnavailableError } from '../local/emulator.js';
import { GennakerError, ExecutionNotFoundError, InvalidInputError, JudgmentError } from '../functions/core/errors.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, invalid: 2, internal: 3 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidInputError || error instanceof JudgmentError) return EXIT.invalid;
  if (error instanceof ExecutionNotFoundError) return EXIT.failed;
  if (error instanceof GennakerError || error instanceof MotoUnavailableError) return EXIT.failed;
  return EXIT.internal;
}

export function messageFor(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error.name === 'ResourceNotFoundException') return 'no execution records here (is a local run active, or are AWS credentials set?)';
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
