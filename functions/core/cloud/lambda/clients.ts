/** The Lambda client of one account and region, with the account's role assumed (as cloudClientsFor). */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../../sdk-clients/lambda.js';
import type { AccountTarget } from '../accounts.js';
import type { AssumedRoleCredentials } from '../credentials.js';

export function lambdaClientFor(target: AccountTarget, credentials: AssumedRoleCredentials): LambdaClient {
  const provider = credentials.provider(target.account);
  return lambdaClient({
    region: target.region,
    ...(provider ? { credentials: provider, credentialsKey: `${target.account.assumeRole}|${target.account.externalId ?? ''}` } : {}),
  });
}
