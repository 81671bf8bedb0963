import { describe, expect, it } from 'vitest';
import { callerOf, parsePrincipal } from '../../../../functions/api/identity.js';

describe('callers', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/alice', { user: 'alice', roles: [] }],
    ['arn:aws:iam::123456789012:user/division/team/alice', { user: 'alice', roles: [] }],
    ['arn:aws:sts::123456789012:assumed-role/approvers/bob', { user: 'bob', roles: ['approvers'] }],
    ['arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1a2b/carol@example.com', { user: 'carol@example.com', roles: ['AWSReservedSSO_Admin_1a2b'] }],
    ['arn:aws:iam::123456789012:root', { user: 'root', roles: [] }],
  ])('%s → %j', (arn, expected) => {
    expect(parsePrincipal(arn)).toEqual(expected);
  });

  it('takes the IAM principal, and roles a Lambda authorizer adds', () => {
    const context = { authorizer: { iam: { userArn: 'arn:aws:sts::1:assumed-role/deployers/dan' }, lambda: { roles: 'approvers, ops' } } };
    expect(callerOf(context, {})).toEqual({ user: 'dan', roles: ['deployers', 'approvers', 'ops'], principal: 'arn:aws:sts::1:assumed-role/deployers/dan' });
  });

  it('takes a console user from the Cognito ID token the JWT authorizer checked, groups as roles', () => {
    const claims = { sub: 'u-1', email: 'erin@example.com', 'cognito:groups': '[approvers deployers]' };
    expect(callerOf({ authorizer: { jwt: { claims } } }, {}, {})).toEqual({ user: 'erin@example.com', roles: ['approvers', 'deployers'] });
    expect(callerOf({ authorizer: { jwt: { claims: { sub: 'u-2', 'cognito:groups': ['ops'] } } } }, {}, {})).toEqual({ user: 'u-2', roles: ['ops'] });
    expect(callerOf({ authorizer: { jwt: { claims: { sub: 'u-3', 'cognito:groups': '[]' } } } }, {}, {})).toEqual({ user: 'u-3', roles: [] });
  });

  it('ignores identity headers unless told to trust them', () => {
    const headers = { 'x-gennaker-user': 'mallory', 'x-gennaker-roles': 'approvers' };
    expect(callerOf({ authorizer: { iam: { userArn: 'arn:aws:iam::1:user/eve' } } }, headers, {})).toMatchObject({ user: 'eve', roles: [] });
    expect(callerOf(undefined, headers, { GENNAKER_TRUST_IDENTITY_HEADERS: 'true' })).toEqual({ user: 'mallory', roles: ['approvers'] });
    expect(callerOf(undefined, {}, {})).toEqual({ user: 'anonymous', roles: [] });
  });
});
