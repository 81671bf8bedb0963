/** Secrets scoped per application: a pipeline references its application's secrets and those the operator shares. */
import { describe, expect, it } from 'vitest';
import { applicationMayUse, parseSecretAccess, secretAccessProblems } from '../../../state-machines/model/secret-access.js';

const REF = (name: string) => `encrypted:secrets-manager!r:us-east-1!s:${name}!k:token`;
const ACCESS = parseSecretAccess({ shared: ['gennaker/shared/', 'gennaker/slack-hook'], applications: { checkout: ['gennaker/payments/'] } });

describe('secret access', () => {
  it("allows an application's own names, shared names and prefixes, and its own grants; nothing else", () => {
    expect(applicationMayUse('gennaker/shop/api', 'shop', 'gennaker/', ACCESS)).toBe(true);
    expect(applicationMayUse('gennaker/shared/x', 'shop', 'gennaker/', ACCESS)).toBe(true);
    expect(applicationMayUse('gennaker/slack-hook', 'shop', 'gennaker/', ACCESS)).toBe(true);
    expect(applicationMayUse('gennaker/payments/stripe', 'checkout', 'gennaker/', ACCESS)).toBe(true);
    // Another application's, a grant to another application, a name that only starts like a shared one, a prefix without its slash.
    expect(applicationMayUse('gennaker/checkout/api', 'shop', 'gennaker/', ACCESS)).toBe(false);
    expect(applicationMayUse('gennaker/payments/stripe', 'shop', 'gennaker/', ACCESS)).toBe(false);
    expect(applicationMayUse('gennaker/slack-hook-2', 'shop', 'gennaker/', ACCESS)).toBe(false);
    expect(applicationMayUse('gennaker/shopping/x', 'shop', 'gennaker/', ACCESS)).toBe(false);
    expect(applicationMayUse('gennaker/shop/x', 'shop', 'ops/')).toBe(false);
    expect(applicationMayUse('gennaker/x', 'constructor', 'gennaker/', ACCESS)).toBe(false);
  });

  it('names every reference a pipeline may not use, with its path, and never a value', () => {
    const problems = secretAccessProblems(
      {
        application: 'shop',
        notifications: [{ type: 'microsoftteams', address: REF('gennaker/checkout/teams') }],
        stages: [{ type: 'webhook', customHeaders: { Authorization: `Bearer ${REF('gennaker/shop/api')}` }, url: REF('gennaker/payments/url') }],
      },
      'shop',
      'gennaker/',
      ACCESS,
    );
    expect(problems).toEqual([
      {
        path: '$.notifications[0].address',
        message:
          "secret 'gennaker/checkout/teams' is not one application 'shop' may use: its pipelines may reference secrets named 'gennaker/shop/…' and those the secretAccess setting shares with it",
      },
      { path: '$.stages[0].url', message: expect.stringContaining("secret 'gennaker/payments/url' is not one application 'shop' may use") },
    ]);
  });

  it('refuses a bad setting naming the entry', () => {
    expect(() => parseSecretAccess({ shared: ['has space'] }, 'secret-access.yml')).toThrow(
      /secret-access\.yml: \$\.shared\[0\]: a secret name, or a prefix ending in \//,
    );
    expect(() => parseSecretAccess({ share: [] }, 'secret-access.yml')).toThrow(/secret-access\.yml: /);
    expect(parseSecretAccess(undefined)).toEqual({ shared: [], applications: {} });
  });
});
