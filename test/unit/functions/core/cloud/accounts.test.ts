import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountRegistry,
  loadAccounts,
  LOCAL_ACCOUNT_ID,
  parseAccounts,
  parseAccountsText,
  withAccountDefaults,
} from '../../../../../functions/core/cloud/accounts.js';
import { AccountsConfigError, UnknownAccountError, UnknownRegionError } from '../../../../../functions/core/cloud/errors.js';

const YAML = `
accounts:
  prod:
    accountId: "111111111111"
    regions: [us-east-1, us-west-2]
    assumeRole: arn:aws:iam::111111111111:role/gennaker-deploy
    externalId: ext-1
    defaults:
      subnetType: internal
      keyPair: prod
      securityGroups: [web]
  test:
    accountId: 222222222222
    regions: [eu-west-1]
    assumeRole: role/spinnakerManaged
`;

describe('parsing accounts', () => {
  it('reads the map form (YAML)', async () => {
    const registry = await parseAccountsText(YAML);
    expect(registry.names()).toEqual(['prod', 'test']);
    expect(registry.get('prod')).toEqual({
      name: 'prod',
      accountId: '111111111111',
      regions: ['us-east-1', 'us-west-2'],
      assumeRole: 'arn:aws:iam::111111111111:role/gennaker-deploy',
      externalId: 'ext-1',
      defaults: { subnetType: 'internal', keyPair: 'prod', securityGroups: ['web'] },
    });
  });

  it("expands Spinnaker's relative role and takes a numeric account id", async () => {
    expect((await parseAccountsText(YAML)).get('test')).toMatchObject({
      accountId: '222222222222',
      assumeRole: 'arn:aws:iam::222222222222:role/spinnakerManaged',
    });
  });

  it("reads Spinnaker clouddriver's list form (JSON)", async () => {
    const registry = await parseAccountsText(
      JSON.stringify({
        aws: { enabled: true, accounts: [{ name: 'prod', accountId: '111111111111', regions: [{ name: 'us-east-1' }], assumeRole: 'role/deploy' }] },
      }),
    );
    expect(registry.resolve('prod', 'us-east-1').account.assumeRole).toBe('arn:aws:iam::111111111111:role/deploy');
  });

  it('reports every problem with its path', () => {
    try {
      parseAccounts(
        {
          accounts: {
            prod: { accountId: '123', regions: ['us-east-1'], typo: true },
            'bad name': { accountId: '111111111111', regions: ['Mars'], assumeRole: 'arn:aws:iam::999999999999:role/x' },
          },
        },
        { source: 'accounts.yml' },
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AccountsConfigError);
      const problems = (error as AccountsConfigError).problems;
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('accounts.prod.accountId'), expect.stringContaining('typo')]));
      expect((error as Error).message).toContain('invalid accounts.yml');
    }
    try {
      parseAccounts({ accounts: { 'bad name': { accountId: '111111111111', regions: ['Mars'], assumeRole: 'arn:aws:iam::999999999999:role/x' } } });
      expect.unreachable();
    } catch (error) {
      expect((error as AccountsConfigError).problems).toEqual([
        'accounts.bad name: account name "bad name" may only contain letters, digits, _ and -',
        'accounts.bad name.regions: "Mars" is not a region name (like us-east-1)',
        'accounts.bad name.assumeRole: arn:aws:iam::999999999999:role/x is not in account 111111111111',
      ]);
    }
  });

  it('refuses text that is not YAML', async () => {
    await expect(parseAccountsText('accounts: [')).rejects.toThrow(AccountsConfigError);
  });
});

describe('resolving an account and region', () => {
  let registry: AccountRegistry;
  beforeAll(async () => {
    registry = await parseAccountsText(YAML);
  });

  it('names the unknown account and the known ones', () => {
    expect(() => registry.get('staging')).toThrow(UnknownAccountError);
    expect(() => registry.get('staging')).toThrow('unknown account "staging"; known accounts: prod, test');
  });

  it("names the unknown region and the account's regions", () => {
    expect(() => registry.resolve('prod', 'eu-west-1')).toThrow(UnknownRegionError);
    expect(() => registry.resolve('prod', 'eu-west-1')).toThrow('account "prod" (111111111111) has no region "eu-west-1"; its regions: us-east-1, us-west-2');
    expect(registry.resolve('prod', 'us-west-2').region).toBe('us-west-2');
  });
});

describe('local accounts', () => {
  it('default and local are the emulator account, with no role and any region', async () => {
    const registry = await loadAccounts({ env: {} });
    expect(registry.names()).toEqual(['default', 'local']);
    expect(registry.resolve('local', 'ap-south-1').account).toEqual({ name: 'local', accountId: LOCAL_ACCOUNT_ID, defaults: {} });
  });

  it('are added to a file only when talking to an emulator, and a file may redefine them', async () => {
    const readText = async () => YAML;
    const production = await loadAccounts({ env: { GENNAKER_ACCOUNTS_FILE: '/x.yml' }, readText });
    expect(production.names()).toEqual(['prod', 'test']);
    const local = await loadAccounts({ env: { GENNAKER_ACCOUNTS_FILE: '/x.yml', AWS_ENDPOINT_URL: 'http://localhost:1' }, readText });
    expect(local.names()).toEqual(['default', 'local', 'prod', 'test']);
    const redefined = parseAccounts({ accounts: { default: { accountId: '333333333333', regions: ['us-east-1'] } } }, { includeLocal: true });
    expect(redefined.get('default').accountId).toBe('333333333333');
  });

  it('inline accounts win over the file', async () => {
    const registry = await loadAccounts({
      inline: { accounts: { only: { accountId: '444444444444', regions: ['us-east-1'] } } },
      env: { GENNAKER_ACCOUNTS_FILE: '/nope' },
    });
    expect(registry.names()).toEqual(['only']);
  });

  it('an unreadable file is a clear error', async () => {
    await expect(loadAccounts({ env: { GENNAKER_ACCOUNTS_FILE: '/nope.yml' }, readText: () => Promise.reject(new Error('ENOENT')) })).rejects.toThrow(
      'cannot read /nope.yml: ENOENT',
    );
  });
});

describe('withAccountDefaults', () => {
  it('fills what the deploy left out', () => {
    expect(withAccountDefaults({ instanceType: '' }, { subnetType: 'internal', keyPair: 'k', securityGroups: ['web'], instanceType: 't3.small' })).toEqual({
      instanceType: 't3.small',
      subnetType: 'internal',
      keyPair: 'k',
      securityGroups: ['web'],
    });
  });

  it('keeps what the deploy set, placement included', () => {
    expect(withAccountDefaults({ subnetIds: ['subnet-1'], keyPair: 'mine' }, { subnetType: 'internal', keyPair: 'k' })).toEqual({
      subnetIds: ['subnet-1'],
      keyPair: 'mine',
    });
  });
});
