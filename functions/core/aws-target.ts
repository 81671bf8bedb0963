/**
 * Which AWS account and region a stage acts in, as client options for the shared client factory:
 * no account → this function's own credentials in the default (or given) region; a named account
 * → the accounts file (functions/core/cloud/accounts.ts) and its role, assumed through STS.
 */
import { defaultRegion, type ClientOptions } from './client-cache.js';
import { AssumedRoleCredentials, loadAccounts, type AccountRegistry } from './cloud/index.js';

export interface AwsTarget {
  readonly region: string;
  readonly account?: string;
  readonly clientOptions: ClientOptions;
}

export interface AwsTargetDeps {
  readonly accounts?: () => Promise<AccountRegistry>;
  readonly credentials?: AssumedRoleCredentials;
}

export function awsTargets(deps: AwsTargetDeps = {}): (account: string | undefined, region: string | undefined) => Promise<AwsTarget> {
  let registry: Promise<AccountRegistry> | undefined;
  const credentials = deps.credentials ?? new AssumedRoleCredentials();
  return async (account, region) => {
    if (account === undefined) {
      const r = region ?? defaultRegion();
      return { region: r, clientOptions: { region: r } };
    }
    registry ??= (deps.accounts ?? (() => loadAccounts()))();
    const accounts = await registry.catch((error: unknown) => {
      registry = undefined;
      throw error;
    });
    const named = accounts.get(account);
    const target = accounts.resolve(account, region ?? named.regions?.[0] ?? defaultRegion());
    const provider = credentials.provider(target.account);
    return {
      region: target.region,
      account,
      clientOptions: {
        region: target.region,
        ...(provider ? { credentials: provider, credentialsKey: `${target.account.assumeRole}|${target.account.externalId ?? ''}` } : {}),
      },
    };
  };
}
