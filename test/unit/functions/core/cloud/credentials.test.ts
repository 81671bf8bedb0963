import type { AssumeRoleCommand, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../../../functions/core/cloud/accounts.js';
import { AssumedRoleCredentials, roleSessionName } from '../../../../../functions/core/cloud/credentials.js';
import { TransientCloudError } from '../../../../../functions/core/cloud/errors.js';

const prod: Account = {
  name: 'prod',
  accountId: '111111111111',
  regions: ['us-east-1'],
  assumeRole: 'arn:aws:iam::111111111111:role/deploy',
  externalId: 'ext',
  defaults: {},
};

/** Records AssumeRole requests and answers with sessions that expire an hour after `now`. */
function fakeSts(clock: { now: number }) {
  const requests: AssumeRoleCommand['input'][] = [];
  return {
    requests,
    sts: () => ({
      async send(command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput> {
        requests.push(command.input);
        return {
          $metadata: {},
          Credentials: {
            AccessKeyId: `AKIA${requests.length}`,
            SecretAccessKey: 'secret',
            SessionToken: 'token',
            Expiration: new Date(clock.now + 3600_000),
          },
        };
      },
    }),
  };
}

describe('AssumedRoleCredentials', () => {
  it('uses no credentials of its own for an account without a role', async () => {
    const credentials = new AssumedRoleCredentials({
      sts: () => {
        throw new Error('not called');
      },
    });
    const local: Account = { name: 'local', accountId: '123456789012', defaults: {} };
    expect(await credentials.credentialsFor(local)).toBeUndefined();
    expect(credentials.provider(local)).toBeUndefined();
  });

  it('assumes the role with the external id and caches the session until shortly before it expires', async () => {
    const clock = { now: 1_000_000 };
    const { sts, requests } = fakeSts(clock);
    const credentials = new AssumedRoleCredentials({ sts, clock: { now: () => clock.now } });

    const first = await credentials.credentialsFor(prod);
    expect(first).toMatchObject({ accessKeyId: 'AKIA1', sessionToken: 'token' });
    expect(requests).toEqual([{ RoleArn: prod.assumeRole, RoleSessionName: 'gennaker-prod', DurationSeconds: 3600, ExternalId: 'ext' }]);

    clock.now += 54 * 60_000; // 6 minutes left: still good
    expect((await credentials.credentialsFor(prod))?.accessKeyId).toBe('AKIA1');
    clock.now += 2 * 60_000; // 4 minutes left: renew
    expect((await credentials.credentialsFor(prod))?.accessKeyId).toBe('AKIA2');
    expect(requests).toHaveLength(2);
  });

  it('shares one AssumeRole between concurrent callers', async () => {
    const clock = { now: 0 };
    const { sts, requests } = fakeSts(clock);
    const credentials = new AssumedRoleCredentials({ sts, clock: { now: () => clock.now } });
    const provider = credentials.provider(prod)!;
    await Promise.all([provider(), provider(), credentials.credentialsFor(prod)]);
    expect(requests).toHaveLength(1);
  });

  it('names the role when AssumeRole fails', async () => {
    const credentials = new AssumedRoleCredentials({
      sts: () => ({ send: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })) }),
    });
    await expect(credentials.credentialsFor(prod)).rejects.toBeInstanceOf(TransientCloudError);
    await expect(credentials.credentialsFor(prod)).rejects.toThrow('assume role arn:aws:iam::111111111111:role/deploy for account prod');
  });

  it('makes valid session names', () => {
    expect(roleSessionName({ ...prod, name: 'a'.repeat(80) })).toHaveLength(64);
  });
});
