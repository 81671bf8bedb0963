import { describe, expect, it } from 'vitest';
import { callerOf, parsePrincipal } from '../../../../functions/api/identity.js';

describe('callers', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/alice', { user: 'alice', roles: [] }],
    ['arn:aws:iam::123456789012:user/division/team/alice', { user: 'alice', roles: [] }],
    // The role (with its account) is the identity; the session name, chosen by the caller, is only shown.
    ['arn:aws:sts::123456789012:assumed-role/approvers/bob', { user: 'bob (approvers in 123456789012)', roles: ['arn:aws:iam::123456789012:role/approvers'] }],
    [
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1a2b/carol@example.com',
      { user: 'carol@example.com (AWSReservedSSO_Admin_1a2b in 123456789012)', roles: ['arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_1a2b'] },
    ],
    ['arn:aws-cn:sts::123456789012:assumed-role/ops/x', { user: 'x (ops in 123456789012)', roles: ['arn:aws-cn:iam::123456789012:role/ops'] }],
    ['arn:aws:iam::123456789012:root', { user: 'root', roles: [] }],
  ])('%s → %j', (arn, expected) => {
    expect(parsePrincipal(arn)).toEqual(expected);
  });

  it('takes the IAM principal, and roles a Lambda authorizer adds', () => {
    const context = { authorizer: { iam: { userArn: 'arn:aws:sts::111111111111:assumed-role/deployers/dan' }, lambda: { roles: 'approvers, ops' } } };
    expect(callerOf(context, {})).toEqual({
      user: 'dan (deployers in 111111111111)',
      roles: ['arn:aws:iam::111111111111:role/deployers', 'approvers', 'ops'],
      principal: 'arn:aws:sts::111111111111:assumed-role/deployers/dan',
    });
  });

  it('takes a console user from the Cognito ID token the JWT authorizer checked, groups as roles', () => {
    const claims = { sub: 'u-1', email: 'erin@example.com', 'cognito:groups': '[approvers deployers]' };
    expect(callerOf({ authorizer: { jwt: { claims } } }, {}, {})).toEqual({ user: 'erin@example.com', roles: ['approvers', 'deployers'] });
    expect(callerOf({ authorizer: { jwt: { claims: { sub: 'u-2', 'cognito:groups': ['ops'] } } } }, {}, {})).toEqual({ user: 'u-2', roles: ['ops'] });
    expect(callerOf({ authorizer: { jwt: { claims: { sub: 'u-3', 'cognito:groups': '[]' } } } }, {}, {})).toEqual({ user: 'u-3', roles: [] });
  });

  it('never takes a Cognito group spelled as an IAM role for that role', () => {
    const claims = { sub: 'u-4', 'cognito:groups': ['arn:aws:iam::111111111111:role/deployers', '111111111111:role/admins', 'ops'] };
    expect(callerOf({ authorizer: { jwt: { claims } } }, {}, {})).toEqual({ user: 'u-4', roles: ['ops'] });
  });

  it('ignores identity headers unless told to trust them', () => {
    const headers = { 'x-gennaker-user': 'mallory', 'x-gennaker-roles': 'approvers' };
    expect(callerOf({ authorizer: { iam: { userArn: 'arn:aws:iam::1:user/eve' } } }, headers, {})).toMatchObject({ user: 'eve', roles: [] });
    expect(callerOf(undefined, headers, { GENNAKER_TRUST_IDENTITY_HEADERS: 'true' })).toEqual({ user: 'mallory', roles: ['approvers'] });
    expect(callerOf(undefined, {}, {})).toEqual({ user: 'anonymous', roles: [] });
  });
});
