/**
 * Reads a referenced secret from Secrets Manager in the reference's region (the shared,
 * endpoint-aware client). Errors say why in words and never carry the SDK's message, which may
 * quote the request.
 */
import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { errorCode } from '../cloud/aws-errors.js';
import { secretsManagerClient } from '../sdk-clients/secrets-manager.js';
import { type SecretFetcher, SecretUnavailableError } from './scope.js';

const REASONS: Readonly<Record<string, string>> = {
  AccessDeniedException: "this function's role may not read it",
  DecryptionFailure: 'its KMS key cannot decrypt it',
  InvalidRequestException: 'it is scheduled for deletion or otherwise unusable',
  InvalidParameterException: 'the name is not valid',
};

export function secretsManagerFetcher(): SecretFetcher {
  return async (reference) => {
    let out;
    try {
      out = await secretsManagerClient({ region: reference.region }).send(new GetSecretValueCommand({ SecretId: reference.secretId }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      const name = errorCode(error) ?? '';
      const reason = REASONS[name];
      throw new SecretUnavailableError(reason ?? `Secrets Manager answered ${name || 'with an error'}`, reason === undefined);
    }
    if (out.SecretString !== undefined) return { text: out.SecretString };
    if (out.SecretBinary !== undefined) return { text: Buffer.from(out.SecretBinary).toString('utf8') };
    return undefined;
  };
}
