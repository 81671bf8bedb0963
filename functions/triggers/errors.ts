/**
 * Why a trigger refused an event. The HTTP status for each lives in one place
 * (functions/api/errors.ts); event sources without a caller to answer log the reason instead.
 */
import { GennakerError } from '../core/errors.js';

export class TriggerError extends GennakerError {}

/** The delivery's signature or token is missing or wrong: nothing may start. */
export class BadSignatureError extends TriggerError {}

/** The body is not what the source sends (not JSON, missing fields, wrong types). */
export class MalformedEventError extends TriggerError {}

/** The body is larger than a trigger accepts. */
export class PayloadTooLargeError extends TriggerError {}

/** No pipeline with that application and id or name. */
export class PipelineNotFoundError extends TriggerError {}

/** The pipeline exists but is disabled. */
export class PipelineDisabledError extends TriggerError {}

/** The parameters do not fit the pipeline's parameterConfig; every problem is listed. */
export class ParameterError extends TriggerError {
  constructor(
    message: string,
    readonly problems: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(message);
  }
}
