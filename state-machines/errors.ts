/**
 * The one error hierarchy: every error class of Gennaker extends `GennakerError` and says which
 * kind of problem it is. `ERROR_KINDS` is the one table that turns a kind into an HTTP status (the
 * API and webhook handlers, functions/api/errors.ts), into a CLI exit code (cli/errors.ts) and, for
 * event sources that have nobody to answer (functions/triggers/events.ts), into whether the event
 * should be delivered again, so the same error means the same thing to a script, an HTTP client and
 * a retrying event source. It lives here, the lowest layer, because expression and pipeline errors
 * are raised here too.
 */

/**
 * What kind of problem an error is, for whoever must answer for it. `redeliver`: delivering the same
 * event again may succeed (a passing failure, or one nobody classified, such as an AWS error);
 * otherwise the event itself is at fault and a retry would fail the same way.
 */
export const ERROR_KINDS = {
  /** The caller's input is wrong (a field, a parameter, a name, an option): fix it and retry. */
  input: { http: 400, exit: 2, redeliver: false },
  /** A request's signature or token is missing or wrong. */
  unauthenticated: { http: 401, exit: 1, redeliver: false },
  /** The caller is known but may not do this. */
  forbidden: { http: 403, exit: 1, redeliver: false },
  /** What the request names does not exist. */
  'not-found': { http: 404, exit: 1, redeliver: false },
  /** The route exists, the method does not. */
  'method-not-allowed': { http: 405, exit: 2, redeliver: false },
  /** The target is in a state that does not allow this (finished, locked, changed meanwhile). */
  conflict: { http: 409, exit: 1, redeliver: false },
  /** The input is larger than accepted. */
  'too-large': { http: 413, exit: 2, redeliver: false },
  /** This deployment cannot serve it (a feature not wired here). */
  unsupported: { http: 501, exit: 1, redeliver: false },
  /** A dependency failed for now (throttling, an emulator or peer that is not up): try later. */
  transient: { http: 503, exit: 1, redeliver: true },
  /** A bug or a broken deployment: nobody's input can fix it. */
  internal: { http: 500, exit: 3, redeliver: true },
} as const satisfies Record<string, { readonly http: number; readonly exit: number; readonly redeliver: boolean }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** Base of every Gennaker error: `name` is the class name (or the subclass's own), `kind` says how to answer it. */
export class GennakerError extends Error {
  /** Subclasses override this; `internal` is the honest default for an error nobody classified. */
  readonly kind: ErrorKind = 'internal';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The kind of any thrown value: a GennakerError's own, else internal. */
function errorKindOf(error: unknown): ErrorKind {
  return error instanceof GennakerError ? error.kind : 'internal';
}

export function httpStatusOf(error: unknown): number {
  return ERROR_KINDS[errorKindOf(error)].http;
}

export function exitCodeOf(error: unknown): number {
  return ERROR_KINDS[errorKindOf(error)].exit;
}

/** The kind an HTTP status stands for (an answer from Gennaker's own API, read back by the CLI). */
export function errorKindOfStatus(status: number): ErrorKind {
  for (const [kind, { http }] of Object.entries(ERROR_KINDS) as [ErrorKind, (typeof ERROR_KINDS)[ErrorKind]][]) if (http === status) return kind;
  if (status >= 400 && status < 500) return 'input';
  return status === 502 || status === 504 ? 'transient' : 'internal';
}
