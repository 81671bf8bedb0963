import { describe, expect, it } from 'vitest';
import { REDACTED, type SecretFetcher, SecretScope, SecretUnavailableError } from '../../../../../functions/core/secrets/scope.js';
import { StageConfigError, TransientStageError } from '../../../../../functions/core/stage-api.js';

const REF = (name: string, key?: string) => `encrypted:secrets-manager!r:us-east-1!s:${name}${key ? `!k:${key}` : ''}`;

function store(secrets: Record<string, string>): { fetch: SecretFetcher; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    fetch: async (reference) => {
      reads.push(reference.secretId);
      const text = secrets[reference.secretId];
      return text === undefined ? undefined : { text };
    },
  };
}

describe('SecretScope', () => {
  it('resolves references deep in a value, whole or as a word, reading each secret once per scope', async () => {
    const { fetch, reads } = store({
      'gennaker/api': JSON.stringify({ token: 's3cr3t-token', user: 'robot' }),
      'gennaker/url': 'https://hooks.example/T0/B0/xyzzy',
    });
    const scope = new SecretScope(fetch);
    const resolved = await scope.resolve(
      { headers: { Authorization: `Bearer ${REF('gennaker/api', 'token')}`, 'X-User': REF('gennaker/api', 'user') }, url: REF('gennaker/url'), n: 3 },
      'config',
    );
    expect(resolved).toEqual({ headers: { Authorization: 'Bearer s3cr3t-token', 'X-User': 'robot' }, url: 'https://hooks.example/T0/B0/xyzzy', n: 3 });
    expect(reads).toEqual(['gennaker/api', 'gennaker/url']);
    expect(new SecretScope(fetch)).not.toBe(scope);
  });

  it('scrubs every resolved value, and its URL-, JSON- and base64-encoded forms, from anything, keys included', async () => {
    const { fetch } = store({ 'gennaker/p': 'p@ss "word"/x' });
    const scope = new SecretScope(fetch);
    await scope.resolve(REF('gennaker/p'), 'f');
    const recorded = {
      body: 'echo p@ss "word"/x',
      json: JSON.stringify({ seen: 'p@ss "word"/x' }),
      query: `https://h.example/?t=${encodeURIComponent('p@ss "word"/x')}`,
      basic: Buffer.from('p@ss "word"/x').toString('base64'),
      list: ['p@ss "word"/x'],
      ['p@ss "word"/x']: 1,
    };
    const scrubbed = JSON.stringify(scope.scrub(recorded));
    expect(scrubbed).not.toContain('p@ss');
    expect(scrubbed).not.toContain(encodeURIComponent('p@ss "word"/x'));
    expect(scrubbed).not.toContain(Buffer.from('p@ss "word"/x').toString('base64'));
    expect(scrubbed).toContain(REDACTED);
  });

  it('gives errors that name the field and the reason and never a value', async () => {
    const { fetch } = store({ 'gennaker/plain': 'not-json-value', 'gennaker/json': '{"a":"value-a"}', 'gennaker/short': 'abc' });
    const scope = new SecretScope(fetch);
    await expect(scope.resolve(REF('gennaker/missing'), 'customHeaders.Authorization')).rejects.toThrow(
      new StageConfigError("customHeaders.Authorization: secret 'gennaker/missing' in us-east-1 does not exist"),
    );
    await expect(scope.resolve(REF('gennaker/plain', 'token'), 'url')).rejects.toThrow(
      /url: secret 'gennaker\/plain' in us-east-1 is not JSON, so it has no key 'token'/,
    );
    await expect(scope.resolve(REF('gennaker/json', 'b'), 'payload.x')).rejects.toThrow(/payload\.x: secret 'gennaker\/json' in us-east-1 has no key 'b'/);
    await expect(scope.resolve(REF('gennaker/short'), 'h')).rejects.toThrow(/shorter than 4 characters/);
    await expect(scope.resolve('encrypted:secrets-manager!s:x', 'h')).rejects.toThrow(/h: bad secret reference: the region is missing/);
    const errors = await Promise.all([
      scope.resolve(REF('gennaker/plain', 'token'), 'url').catch(String),
      scope.resolve(REF('gennaker/json', 'b'), 'p').catch(String),
    ]);
    expect(errors.join()).not.toMatch(/not-json-value|value-a/);
  });

  it("refuses another application's secret before asking, naming the reference; shared and operator-granted ones resolve", async () => {
    const { fetch, reads } = store({
      'gennaker/shop/api': 'shop-value-1',
      'gennaker/checkout/api': 'checkout-value-2',
      'gennaker/shared/hook': 'shared-value-3',
      'gennaker/release-board': 'board-value-4',
    });
    const access = { shared: ['gennaker/shared/'], applications: {} };
    const scope = new SecretScope(fetch, 'gennaker/', { application: 'shop', access });
    await expect(scope.resolve(REF('gennaker/shop/api'), 'url')).resolves.toBe('shop-value-1');
    await expect(scope.resolve(REF('gennaker/shared/hook'), 'url')).resolves.toBe('shared-value-3');
    await expect(scope.resolve(`Bearer ${REF('gennaker/checkout/api')}`, 'customHeaders.Authorization')).rejects.toThrow(
      new StageConfigError(
        "customHeaders.Authorization: secret 'gennaker/checkout/api' is not one application 'shop' may use: its pipelines may reference secrets named 'gennaker/shop/…' and those the secretAccess setting shares with it",
      ),
    );
    await expect(scope.resolve(REF('gennaker/release-board'), 'payload')).rejects.toThrow(/not one application 'shop' may use/);
    expect(reads).toEqual(['gennaker/shop/api', 'gennaker/shared/hook']);
    // A preconfigured webhook's (or Jenkins master's) reference is the operator's: granted for this call.
    scope.grant({ customHeaders: { Authorization: `Bearer ${REF('gennaker/release-board')}` } });
    await expect(scope.resolve(REF('gennaker/release-board'), 'customHeaders.Authorization')).resolves.toBe('board-value-4');
    // Without a prefix (local runs) nothing is limited by application.
    await expect(new SecretScope(fetch, undefined, { application: 'shop', access }).resolve(REF('gennaker/checkout/api'), 'url')).resolves.toBe(
      'checkout-value-2',
    );
  });

  it('refuses secrets outside the name prefix before asking Secrets Manager', async () => {
    const { fetch, reads } = store({ 'other/x': 'value-x' });
    await expect(new SecretScope(fetch, 'gennaker/').resolve(REF('other/x'), 'url')).rejects.toThrow(
      /url: secret 'other\/x' in us-east-1 cannot be read: Gennaker's functions may read only secrets named 'gennaker\/…'/,
    );
    expect(reads).toEqual([]);
  });

  it('retries a throttled read (transient) and fails on a refused one (configuration)', async () => {
    const throttled = new SecretScope(() => Promise.reject(new SecretUnavailableError('Secrets Manager answered ThrottlingException', true)));
    await expect(throttled.resolve(REF('gennaker/x'), 'url')).rejects.toBeInstanceOf(TransientStageError);
    const denied = new SecretScope(() => Promise.reject(new SecretUnavailableError("this function's role may not read it", false)));
    await expect(denied.resolve(REF('gennaker/x'), 'url')).rejects.toThrow(
      new StageConfigError("url: secret 'gennaker/x' in us-east-1 cannot be read: this function's role may not read it"),
    );
  });

  it('refuses references where the stage type reads no secrets', async () => {
    await expect(new SecretScope().resolve({ a: REF('gennaker/x') }, 'config')).rejects.toThrow(/config\.a: .*stages of this type do not read secrets/);
  });
});
