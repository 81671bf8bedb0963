/**
 * Errors of the HTTP API. The status comes from the error's kind through the one table in
 * state-machines/errors.ts; functions/triggers/http.ts turns any error into the answer (for the
 * API handler and the webhook triggers alike).
 */
import { GennakerError } from '../../state-machines/errors.js';

class ApiError extends GennakerError {}
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
