/**
 * Why a trigger refused an event. Each class's kind gives its HTTP status through the one table
 * (state-machines/errors.ts); event sources without a caller to answer log the reason instead.
 */
import { GennakerError } from '../../state-machines/errors.js';

export class TriggerError extends GennakerError {}

/** The delivery's signature or token is missing or wrong: nothing may start. */
export class BadSignatureError extends TriggerError {
  override readonly kind = 'unauthenticated';
}

/** The body is not what the source sends (not JSON, missing fields, wrong types). */
export class MalformedEventError extends TriggerError {
  override readonly kind = 'input';
}

/** The body is larger than a trigger accepts. */
export class PayloadTooLargeError extends TriggerError {
  override readonly kind = 'too-large';
}

/** No pipeline with that application and id or name. */
export class PipelineNotFoundError extends TriggerError {
  override readonly kind = 'not-found';
}

/** The pipeline exists but is disabled. */
export class PipelineDisabledError extends TriggerError {
  override readonly kind = 'conflict';
}

/** The parameters do not fit the pipeline's parameterConfig; every problem is listed. */
export class ParameterError extends TriggerError {
  override readonly kind = 'input';
  constructor(
    message: string,
    readonly problems: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(message);
  }
}
