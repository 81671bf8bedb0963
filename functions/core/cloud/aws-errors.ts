/**
 * The boundary between the AWS SDK and the driver: every SDK call goes through `awsCall`, which turns
 * SDK errors into the driver's named errors. Throttling and transient faults are retried by the SDK
 * itself (standard retry mode, backoff with jitter, `maxAttempts` from client-cache.ts); when they
 * outlast those retries they surface as `TransientCloudError` so the stage can be retried later.
 */
import { AwsCallError, CloudDriverError, ResourceNotFoundError, TransientCloudError } from './errors.js';

/** What a call was doing, for error messages: "create auto scaling group app-v001". */
export interface CallContext {
  /** e.g. "create", "describe", "attach target groups to" */
  readonly action: string;
  /** e.g. "auto scaling group" */
  readonly resourceType: string;
  /** e.g. "app-v001" */
  readonly resource: string;
}

// The SDK's own throttling codes plus the EC2 / Auto Scaling ones that mean "try again later".
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'EC2ThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'BandwidthLimitExceeded',
]);
const TRANSIENT_CODES = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'ResourceContention',
  'ScalingActivityInProgress',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** The AWS error code (`InvalidSubnetID.NotFound`, `Throttling`, ...) of an SDK error. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof CloudDriverError) return error.code;
  const e = shape(error);
  for (const candidate of [e.Code, e.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  const message = shape(error).message;
  return typeof message === 'string' ? message : String(error);
}

export function isThrottlingOrTransient(error: unknown): boolean {
  const e = shape(error);
  const code = errorCode(error) ?? '';
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    THROTTLING_CODES.has(code) ||
    TRANSIENT_CODES.has(code) ||
    (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) ||
    e.$retryable !== undefined ||
    status === 429 ||
    status >= 500
  );
}

export function isNotFound(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  if (/NotFound/.test(code) || code === 'NoSuchEntity' || code === 'InvalidAMIID.Unavailable') return true;
  // Auto Scaling reports a missing group as a ValidationError.
  return code === 'ValidationError' && /not found/i.test(errorMessage(error));
}

export function isAlreadyExists(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return code === 'AlreadyExists' || /AlreadyExists|Duplicate/.test(code);
}

/** Turns an SDK error into a driver error whose message names the action and the resource. */
export function translateAwsError(error: unknown, context: CallContext): CloudDriverError {
  if (error instanceof CloudDriverError) return error;
  const code = errorCode(error);
  const what = `${context.action} ${context.resourceType} ${context.resource}`;
  const detail = `${code ? `${code}: ` : ''}${errorMessage(error)}`;
  if (isThrottlingOrTransient(error)) {
    return new TransientCloudError(`${what}: AWS is throttling or failing transiently, try again later (${detail})`, {
      cause: error,
      ...(code ? { code } : {}),
    });
  }
  if (isNotFound(error)) {
    return new ResourceNotFoundError(context.resourceType, context.resource, `${what}: not found (${detail})`, {
      cause: error,
      ...(code ? { code } : {}),
    });
  }
  return new AwsCallError(`${what} failed: ${detail}`, { cause: error, ...(code ? { code } : {}) });
}

/** Runs one SDK call, translating its errors. */
export async function awsCall<T>(context: CallContext, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateAwsError(error, context);
  }
}

/** Like awsCall, but "not found" yields undefined instead of an error. */
export async function awsCallOrMissing<T>(context: CallContext, send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, context);
  }
}
