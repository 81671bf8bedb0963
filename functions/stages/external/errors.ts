/**
 * Errors of the external stage family (webhook, jenkins, runJob). Each names what it concerns; the
 * stages turn them into FAILED results (or RUNNING with a backoff when `retryable`).
 */
import { ERROR_KINDS, GennakerError } from '../../../state-machines/errors.js';

class ExternalStageError extends GennakerError {}

/** A JSONPath expression we cannot parse (or uses syntax outside the supported subset). */
export class JsonPathSyntaxError extends ExternalStageError {
  override readonly kind = 'input';
}

/**
 * A webhook callback that cannot be accepted: too large (413), or a token that is not valid for the
 * URL (403, one message for every reason: `detail` says which, for the log only).
 */
export class WebhookCallbackError extends ExternalStageError {
  /** forbidden: a token not valid for the URL; too-large: the body is over the limit. */
  override readonly kind: 'forbidden' | 'too-large';
  /** What the callback route answers (the kind's status, from the one table). */
  readonly httpStatus: number;
  constructor(
    message: string,
    kind: WebhookCallbackError['kind'],
    /** Why, for operators' logs; never sent to the caller. */
    readonly detail?: string,
  ) {
    super(message);
    this.kind = kind;
    this.httpStatus = ERROR_KINDS[kind].http;
  }
}

/** Jenkins masters are missing or misconfigured. */
export class JenkinsConfigError extends ExternalStageError {
  override readonly kind = 'input';
}

/** Jenkins answered something we did not expect (status, missing Location, bad JSON). */
export class JenkinsApiError extends ExternalStageError {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A property file could not be parsed. */
export class PropertyFileError extends ExternalStageError {
  override readonly kind = 'input';
}
