import { describe, expect, it } from 'vitest';
import { awsCall, errorCode, isNotFound, isThrottlingOrTransient, translateAwsError } from '../../../../../functions/core/cloud/aws-errors.js';
import { AwsCallError, ResourceNotFoundError, TransientCloudError } from '../../../../../functions/core/cloud/errors.js';

function sdkError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const context = { action: 'create', resourceType: 'server group', resource: 'app-v001' };

describe('translating AWS errors', () => {
  it('throttling and transient faults become retryable TransientCloudError', () => {
    for (const error of [
      sdkError('Throttling', 'Rate exceeded'),
      sdkError('RequestLimitExceeded', 'x'),
      sdkError('InternalFailure', 'x', 500),
      sdkError('Whatever', 'x', 503),
      sdkError('X', 'y', 429),
    ]) {
      expect(isThrottlingOrTransient(error)).toBe(true);
      const translated = translateAwsError(error, context);
      expect(translated).toBeInstanceOf(TransientCloudError);
      expect(translated.retryable).toBe(true);
      expect(translated.cause).toBe(error);
    }
  });

  it('"not found" becomes ResourceNotFoundError naming the resource', () => {
    const error = sdkError('InvalidSubnetID.NotFound', "The subnet ID 'subnet-1' does not exist");
    const translated = translateAwsError(error, { action: 'describe', resourceType: 'subnet', resource: 'subnet-1' });
    expect(translated).toBeInstanceOf(ResourceNotFoundError);
    expect(translated.message).toBe("describe subnet subnet-1: not found (InvalidSubnetID.NotFound: The subnet ID 'subnet-1' does not exist)");
    expect(translated.code).toBe('InvalidSubnetID.NotFound');
    expect(isNotFound(sdkError('ValidationError', "AutoScalingGroup name not found - AutoScalingGroup 'x' not found"))).toBe(true);
    expect(isNotFound(sdkError('ValidationError', 'Max bigger than min'))).toBe(false);
  });

  it('anything else becomes AwsCallError with action, resource and AWS code', () => {
    const translated = translateAwsError(sdkError('ValidationError', 'Desired capacity:5 must be between 0 and 1.'), context);
    expect(translated).toBeInstanceOf(AwsCallError);
    expect(translated.message).toBe('create server group app-v001 failed: ValidationError: Desired capacity:5 must be between 0 and 1.');
    expect(errorCode(translated)).toBe('ValidationError');
  });

  it('a plain crash carries no code', () => {
    expect(errorCode(new Error('boom'))).toBeUndefined();
    expect(translateAwsError(new Error('boom'), context).code).toBeUndefined();
  });

  it('awsCall passes results through and translates failures', async () => {
    await expect(awsCall(context, async () => 42)).resolves.toBe(42);
    await expect(awsCall(context, async () => Promise.reject(sdkError('Throttling', 'slow down')))).rejects.toBeInstanceOf(TransientCloudError);
  });
});
