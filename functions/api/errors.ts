/**
 * Errors of the HTTP API, and how any error becomes an HTTP answer (for the API handler and the
 * webhook triggers alike). The status comes from the error's kind through the one table in
 * state-machines/errors.ts; an internal error's message is logged, not returned.
 */
import { GennakerError, httpStatusOf } from '../../state-machines/errors.js';
import { ParameterError } from '../triggers/errors.js';

export class ApiError extends GennakerError {}
/** The caller may not do this (e.g. judge without one of the required roles). */
export class ForbiddenError extends ApiError {
  override readonly kind = 'forbidden';
}
export class RouteNotFoundError extends ApiError {
  override readonly kind = 'not-found';
}
export class MethodNotAllowedError extends ApiError {
  override readonly kind = 'method-not-allowed';
}
/** A feature this deployment cannot serve yet. */
export class FeatureUnavailableError extends ApiError {
  override readonly kind = 'unsupported';
}

/** The JSON body for an error: its class and message for 4xx, a generic message for 5xx. */
export function errorBody(error: unknown, status = httpStatusOf(error)): Record<string, unknown> {
  if (status >= 500 && status !== 501 && status !== 503) return { error: 'InternalError', message: 'internal error; see the function logs' };
  const e = error as Error;
  return {
    error: e.name,
    message: e.message,
    ...(error instanceof ParameterError ? { problems: error.problems } : {}),
  };
}
