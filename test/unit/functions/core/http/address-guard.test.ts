import { describe, expect, it } from 'vitest';
import { HttpTransportError, UnsafeUrlError } from '../../../../../functions/core/http/errors.js';
import { checkUrl, forbiddenAddressReason, linkLocalAllowed } from '../../../../../functions/core/http/address-guard.js';

describe('forbiddenAddressReason', () => {
  it.each([
    ['169.254.169.254', /instance metadata/],
    ['169.254.170.3', /link-local/],
    ['169.254.0.1', /link-local/],
    ['fe80::1', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fd00:ec2::254', /instance metadata/],
    ['FD00:0EC2:0000:0000:0000:0000:0000:0254', /instance metadata/],
    ['::ffff:169.254.169.254', /instance metadata/],
    ['::ffff:a9fe:a9fe', /instance metadata/],
    ['64:ff9b::a9fe:1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['::ffff:0:a9fe:a9fe', /instance metadata/],
    ['::169.254.169.254', /instance metadata/],
    ['0:0:0:0:0:ffff:a9fe:a9fe', /instance metadata/],
    ['64:ff9b::169.254.169.254', /instance metadata/],
    ['169.254.170.2', /ECS container credential/],
    ['fd00:ec2::23', /Pod Identity/],
  ])('refuses %s', (address, reason) => {
    expect(forbiddenAddressReason(address)).toMatch(reason);
  });

  it.each(['127.0.0.1', '10.0.0.1', '169.253.255.255', '169.255.0.1', '::1', 'fec0::1', 'fd00:ec2::253', '2600:1f18::1', 'not-an-ip'])(
    'allows %s',
    (address) => {
      expect(forbiddenAddressReason(address)).toBeUndefined();
    },
  );
});

describe('checkUrl', () => {
  const resolvesTo =
    (...addresses: string[]) =>
    async () =>
      addresses;

  it('refuses a host name that resolves to the metadata service, naming both', async () => {
    const check = checkUrl('http://metadata.example/latest/', { allowLinkLocal: false, lookup: resolvesTo('10.0.0.5', '169.254.169.254') });
    await expect(check).rejects.toThrow(UnsafeUrlError);
    await expect(check).rejects.toThrow(/metadata\.example resolves to 169\.254\.169\.254, the instance metadata service/);
  });

  it('refuses IP literals without a lookup, including the numeric and bracketed forms', async () => {
    const lookup = async () => {
      throw new Error('no lookup expected');
    };
    await expect(checkUrl('http://169.254.169.254/', { allowLinkLocal: false, lookup })).rejects.toThrow(/instance metadata/);
    // The WHATWG parser turns 2852039166 into 169.254.169.254.
    await expect(checkUrl('http://2852039166/', { allowLinkLocal: false, lookup })).rejects.toThrow(/instance metadata/);
    await expect(checkUrl('http://[fd00:ec2::254]/', { allowLinkLocal: false, lookup })).rejects.toThrow(/instance metadata/);
  });

  // Every way a URL can spell the metadata address; the WHATWG parser makes them one, and the check runs on that.
  it.each([
    'http://169.254.169.254/',
    'http://2852039166/',
    'http://0xa9fea9fe/',
    'http://0xA9.0xFE.0xA9.0xFE/',
    'http://0251.0376.0251.0376/',
    'http://0251.254.43518/',
    'http://169.254.43518/',
    'http://169.16689662/',
    'http://169.254.169.254.:80/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[0:0:0:0:0:ffff:169.254.169.254]/',
    'http://[::169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fd00:ec2::254]/',
    'http://[fd00:0ec2:0:0:0:0:0:0254]/',
    'http://[FD00:EC2::254]:8080/',
    'https://user:pass@169.254.169.254/',
  ])('refuses %s, even with link-local allowed', async (url) => {
    const lookup = async () => {
      throw new Error('no lookup expected');
    };
    await expect(checkUrl(url, { allowLinkLocal: false, lookup })).rejects.toThrow(/metadata/);
    await expect(checkUrl(url, { allowLinkLocal: true, lookup })).rejects.toThrow(/metadata/);
  });

  it('refuses a name resolving to a metadata spelling with link-local allowed', async () => {
    await expect(checkUrl('http://x.example/', { allowLinkLocal: true, lookup: async () => ['::ffff:a9fe:a9fe'] })).rejects.toThrow(/instance metadata/);
    await expect(checkUrl('http://x.example/', { allowLinkLocal: true, lookup: async () => ['fd00:ec2::254'] })).rejects.toThrow(/instance metadata/);
  });

  it('allows other link-local addresses when told to', async () => {
    await expect(checkUrl('http://169.254.10.10/', { allowLinkLocal: true })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://[fe80::1]/', { allowLinkLocal: true })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://169.254.10.10/', { allowLinkLocal: false })).rejects.toThrow(/link-local/);
    expect(linkLocalAllowed({ GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL: 'true' })).toBe(true);
    expect(linkLocalAllowed({ GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL: '1' })).toBe(false);
  });

  it('refuses other schemes and text that is not a URL', async () => {
    await expect(checkUrl('file:///etc/passwd', { allowLinkLocal: false })).rejects.toThrow(/only http and https/);
    await expect(checkUrl('not a url', { allowLinkLocal: false })).rejects.toThrow(/not a valid URL/);
  });

  it('reports a name that does not resolve as a transport error the stage may retry', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    const error = await checkUrl('http://nowhere.invalid/', { allowLinkLocal: false, lookup }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ code: 'ENOTFOUND', notSent: true });
  });
});
