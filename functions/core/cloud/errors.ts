/**
 * Errors of the cloud driver. Every message names the resource it concerns, so a failed stage says
 * what was wrong without anyone opening CloudWatch. Causes (the AWS SDK error) are kept in `cause`.
 * Each class's kind says how the API and CLI answer it (state-machines/errors.ts).
 */
import { GennakerError } from '../../../state-machines/errors.js';

export class CloudDriverError extends GennakerError {
  override readonly name: string = 'CloudDriverError';
  /** The AWS error code behind this error, when there was one. */
  readonly code?: string;
  /** True when running the same call again later may succeed (throttling, a transient AWS fault). */
  readonly retryable: boolean = false;

  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.code !== undefined) this.code = options.code;
  }
}

/** A named resource (server group, subnet, target group, image, ...) does not exist. */
export class ResourceNotFoundError extends CloudDriverError {
  override readonly name = 'ResourceNotFoundError';
  override readonly kind = 'not-found';
  constructor(
    readonly resourceType: string,
    readonly resource: string,
    message = `${resourceType} ${resource} not found`,
    options: { cause?: unknown; code?: string } = {},
  ) {
    super(message, options);
  }
}

/** min ≤ desired ≤ max (all whole numbers ≥ 0) does not hold. */
export class InvalidCapacityError extends CloudDriverError {
  override readonly name = 'InvalidCapacityError';
  override readonly kind = 'input';
}

/** A cluster or server group name breaks the Frigga naming rules. */
export class InvalidNameError extends CloudDriverError {
  override readonly name = 'InvalidNameError';
  override readonly kind = 'input';
}

/** All 1000 server group sequence numbers of a cluster are taken. */
export class SequenceExhaustedError extends CloudDriverError {
  override readonly name = 'SequenceExhaustedError';
  override readonly kind = 'conflict';
}

/** A server group with the requested name exists but runs something else (another image). */
export class ServerGroupConflictError extends CloudDriverError {
  override readonly name = 'ServerGroupConflictError';
  override readonly kind = 'conflict';
}

/** A name matches more than one resource (e.g. a security group name used in two VPCs). */
export class AmbiguousResourceError extends CloudDriverError {
  override readonly name = 'AmbiguousResourceError';
  override readonly kind = 'input';
}

/** The request is inconsistent (subnets in two VPCs, user data that is not base64, ...). */
export class InvalidRequestError extends CloudDriverError {
  override readonly name = 'InvalidRequestError';
  override readonly kind = 'input';
}

/** AWS kept throttling or failing transiently after the SDK's retries: try again later. */
export class TransientCloudError extends CloudDriverError {
  override readonly name = 'TransientCloudError';
  override readonly kind = 'transient';
  override readonly retryable = true;
}

/** Any other error AWS returned, with the action and resource it concerned. */
export class AwsCallError extends CloudDriverError {
  override readonly name = 'AwsCallError';
}

/** The accounts file is malformed; every problem is listed. */
export class AccountsConfigError extends CloudDriverError {
  override readonly name = 'AccountsConfigError';
  constructor(
    readonly problems: readonly string[],
    source = 'accounts',
  ) {
    super(`invalid ${source}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** An account name that the accounts file does not declare. */
export class UnknownAccountError extends CloudDriverError {
  override readonly name = 'UnknownAccountError';
  override readonly kind = 'input';
}

/** A region the account does not declare. */
export class UnknownRegionError extends CloudDriverError {
  override readonly name = 'UnknownRegionError';
  override readonly kind = 'input';
}
