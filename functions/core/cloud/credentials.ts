/**
 * Credentials for an account: none of our own when it has no role (the caller's credentials are
 * used), otherwise STS AssumeRole, cached per role until shortly before the session expires.
 */
import { AssumeRoleCommand, type AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { stsClient } from '../sdk-clients/sts.js';
import { systemClock, type Clock } from '../stage-api.js';
import type { Account, AccountTarget } from './accounts.js';
import { awsCall } from './aws-errors.js';
import { cloudClients, type CloudClients } from './clients.js';

/** The part of an STS client used here. */
export interface AssumeRoleSender {
  send(command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput>;
}

export interface AssumedRoleCredentialsOptions {
  /** @default the shared STS client from aws-clients */
  readonly sts?: () => AssumeRoleSender;
  readonly clock?: Clock;
  /**
   * Sessions are renewed this long before they expire.
   * @default 5 minutes
   */
  readonly refreshMarginMs?: number;
}

interface CachedSession {
  readonly identity: AwsCredentialIdentity & { readonly expiration: Date };
}

/** Role session names allow [\w+=,.@-], 2 to 64 characters. */
export function roleSessionName(account: Account): string {
  return `gennaker-${account.name}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export class AssumedRoleCredentials {
  private readonly sessions = new Map<string, CachedSession>();
  private readonly pending = new Map<string, Promise<CachedSession>>();
  private readonly sts: () => AssumeRoleSender;
  private readonly clock: Clock;
  private readonly refreshMarginMs: number;

  constructor(options: AssumedRoleCredentialsOptions = {}) {
    this.sts = options.sts ?? (() => stsClient());
    this.clock = options.clock ?? systemClock;
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
  }

  /** Credentials for the account; undefined when it has no role to assume. */
  async credentialsFor(account: Account): Promise<AwsCredentialIdentity | undefined> {
    if (!account.assumeRole) return undefined;
    const key = `${account.assumeRole}|${account.externalId ?? ''}`;
    const cached = this.sessions.get(key);
    if (cached && cached.identity.expiration.getTime() - this.refreshMarginMs > this.clock.now()) return cached.identity;
    let request = this.pending.get(key);
    if (!request) {
      request = this.assume(account).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const session = await request;
    this.sessions.set(key, session);
    return session.identity;
  }

  /** A provider for SDK clients (they call it again when `expiration` nears); undefined without a role. */
  provider(account: Account): AwsCredentialIdentityProvider | undefined {
    if (!account.assumeRole) return undefined;
    return async () => (await this.credentialsFor(account))!;
  }

  private async assume(account: Account): Promise<CachedSession> {
    const roleArn = account.assumeRole!;
    const duration = account.sessionDurationSeconds ?? 3600;
    const response = await awsCall({ action: 'assume', resourceType: 'role', resource: `${roleArn} for account ${account.name}` }, () =>
      this.sts().send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: roleSessionName(account),
          DurationSeconds: duration,
          ...(account.externalId ? { ExternalId: account.externalId } : {}),
        }),
      ),
    );
    const c = response.Credentials;
    return {
      identity: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        ...(c?.SessionToken ? { sessionToken: c.SessionToken } : {}),
        expiration: c?.Expiration ?? new Date(this.clock.now() + duration * 1000),
      },
    };
  }
}

/** Clients for one account and region, with the account's role assumed when it has one. */
export function cloudClientsFor(target: AccountTarget, credentials: AssumedRoleCredentials): CloudClients {
  const provider = credentials.provider(target.account);
  return cloudClients({
    region: target.region,
    ...(provider ? { credentials: provider, credentialsKey: `${target.account.assumeRole}|${target.account.externalId ?? ''}` } : {}),
  });
}
