/**
 * Errors of the HTTP API, and the one place where error classes become HTTP statuses (for the API
 * handler and for the webhook triggers alike). Anything not listed is a 500 whose message is
 * logged, not returned.
 */
import { ExecutionStateError } from '../core/concurrency.js';
import {
  ConcurrentUpdateError,
  ExecutionNotFoundError,
  GennakerError,
  InvalidInputError,
  JudgmentError,
  RecordTooLargeError,
  ResumeFailedError,
} from '../core/errors.js';
import {
  BadSignatureError,
  MalformedEventError,
  ParameterError,
  PayloadTooLargeError,
  PipelineDisabledError,
  PipelineNotFoundError,
} from '../triggers/errors.js';

export class ApiError extends GennakerError {}
/** The caller may not do this (e.g. judge without one of the required roles). */
export class ForbiddenError extends ApiError {}
export class RouteNotFoundError extends ApiError {}
export class MethodNotAllowedError extends ApiError {}
/** A feature this deployment cannot serve yet. */
export class FeatureUnavailableError extends ApiError {}

/** Cloud driver errors are matched by name: the driver is optional in this bundle. */
const CLOUD_ERROR_STATUS: Readonly<Record<string, number>> = {
  InvalidNameError: 400,
  InvalidRequestError: 400,
  UnknownAccountError: 400,
  UnknownRegionError: 400,
  AccountsConfigError: 500,
  ResourceNotFoundError: 404,
  TransientCloudError: 503,
};

const STATUS: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, number]> = [
  [MalformedEventError, 400],
  [InvalidInputError, 400],
  [ParameterError, 400],
  [BadSignatureError, 401],
  [ForbiddenError, 403],
  [ExecutionNotFoundError, 404],
  [PipelineNotFoundError, 404],
  [RouteNotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ExecutionStateError, 409],
  [PipelineDisabledError, 409],
  [JudgmentError, 409],
  [ConcurrentUpdateError, 409],
  [PayloadTooLargeError, 413],
  [RecordTooLargeError, 413],
  [FeatureUnavailableError, 501],
  // The judgment is recorded; the caller answers again to retry the resume.
  [ResumeFailedError, 503],
];

export function httpStatusOf(error: unknown): number {
  for (const [type, status] of STATUS) if (error instanceof type) return status;
  if (error instanceof Error && CLOUD_ERROR_STATUS[error.name] !== undefined) return CLOUD_ERROR_STATUS[error.name]!;
  return 500;
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
