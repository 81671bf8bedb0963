import { describe, expect, it } from 'vitest';
import {
  isCredentialField,
  notificationSecretProblems,
  parseSecretReference,
  referencesIn,
  secretNameOf,
  secretProblems,
} from '../../../state-machines/model/secret-references.js';

describe('secret references (kork-secrets syntax)', () => {
  it('parses region, secret and key, in any order', () => {
    expect(parseSecretReference('encrypted:secrets-manager!r:us-east-1!s:gennaker/hooks!k:token')).toEqual({
      reference: { text: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/hooks!k:token', region: 'us-east-1', secretId: 'gennaker/hooks', key: 'token' },
    });
    expect(
      parseSecretReference('encrypted:secrets-manager!s:arn:aws:secretsmanager:eu-west-1:111111111111:secret:gennaker/x-AbCdEf!r:eu-west-1'),
    ).toMatchObject({
      reference: { region: 'eu-west-1', secretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:gennaker/x-AbCdEf' },
    });
  });

  it.each([
    ['encrypted:s3!r:us-east-1!b:bucket!f:file', /secret engine 's3' is not supported/],
    ['encrypted:secrets-manager!r:us-east-1', /the secret is missing/],
    ['encrypted:secrets-manager!s:gennaker/x', /the region is missing/],
    ['encrypted:secrets-manager!r:moon-1!s:x', /'moon-1' is not an AWS region/],
    ['encrypted:secrets-manager!r:us-east-1!s:x!z:y', /unknown secret reference parameter '!z'/],
    ['encrypted:secrets-manager!r:us-east-1!s:x!s:y', /parameter '!s:' given twice/],
    ['encrypted:secrets-manager!r:us-east-1!s:', /parameter '!s:' is empty/],
  ])('says what is wrong with %s', (text, problem) => {
    const parsed = parseSecretReference(text);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it('finds references that are a word of a longer value', () => {
    const found = referencesIn('Bearer encrypted:secrets-manager!r:us-east-1!s:gennaker/api!k:token and more');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ text: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/api!k:token', reference: { key: 'token' } });
    expect(referencesIn('no reference here')).toEqual([]);
  });

  it('names the secret of an ARN without the suffix Secrets Manager adds', () => {
    const parsed = parseSecretReference('encrypted:secrets-manager!r:eu-west-1!s:arn:aws:secretsmanager:eu-west-1:111111111111:secret:gennaker/x-AbCdEf');
    expect('reference' in parsed && secretNameOf(parsed.reference)).toBe('gennaker/x');
  });

  it('tells credential fields from fields that merely mention one', () => {
    for (const name of ['Authorization', 'X-Api-Key', 'apiToken', 'password', 'X-Auth-Token', 'clientSecret', 'Cookie'])
      expect(isCredentialField(name)).toBe(true);
    for (const name of ['credentials', 'authorizedRoles', 'secretName', 'Content-Type', 'tokenUrl']) expect(isCredentialField(name)).toBe(false);
  });

  it('warns about literal credentials, not about references or expressions, and refuses bad references with their path', () => {
    const found = secretProblems(
      {
        customHeaders: {
          Authorization: 'Bearer abc123',
          'X-Api-Key': 'encrypted:secrets-manager!r:us-east-1!s:gennaker/k',
          'X-Token': '${parameters.token}',
          'X-Other': 'encrypted:secrets-manager!r:us-east-1',
        },
        parameters: { PASSWORD: 'hunter22', apiToken: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gennaker/jenkins' },
        credentials: 'prod',
      },
      '$.stages[0]',
    );
    expect(found.warnings.map((w) => w.path)).toEqual(['$.stages[0].customHeaders.Authorization', '$.stages[0].parameters.PASSWORD']);
    expect(found.warnings[0]!.message).toMatch(/'Authorization' holds a literal credential; store it in Secrets Manager and write a reference instead/);
    // The warning names the field, never the value.
    expect(JSON.stringify(found)).not.toContain('abc123');
    expect(JSON.stringify(found)).not.toContain('hunter22');
    expect(found.errors).toEqual([
      { path: '$.stages[0].customHeaders["X-Other"]', message: "bad secret reference: the secret is missing (add '!s:<secret name or ARN>')" },
    ]);
  });

  it('warns about an incoming-webhook URL written as a notification address', () => {
    const found = notificationSecretProblems(
      [
        { type: 'googlechat', address: 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t', when: ['pipeline.failed'] },
        { type: 'slack', address: '#deploys', when: ['pipeline.failed'] },
        { type: 'microsoftteams', address: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/teams', when: ['pipeline.failed'] },
      ],
      '$.notifications',
    );
    expect(found.warnings.map((w) => w.path)).toEqual(['$.notifications[0].address']);
    expect(found.warnings[0]!.message).not.toContain('chat.googleapis.com');
  });
});
