import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransportError, ResponseTooLargeError, UnsafeUrlError } from '../../../functions/core/http/errors.js';
import { httpSender, parseBody } from '../../../functions/core/http/client.js';
import { json, startServer, type TestServer } from '../external/support/http-server.js';

describe('httpSender against a real server', () => {
  let server: TestServer;
  let other: TestServer;
  const http = httpSender({ allowLinkLocal: false, timeoutMs: 2000 });

  beforeEach(async () => {
    server = await startServer();
    other = await startServer();
  });
  afterEach(async () => {
    await server.close();
    await other.close();
  });

  it('sends method, headers and body, and reads status, headers and cookies apart', async () => {
    server.route((req, res) => {
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2']);
      json(res, 201, { echo: req.body, method: req.method, auth: req.headers.authorization });
    });

    const response = await http({
      method: 'POST',
      url: `${server.url}/hooks`,
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body: '{"x":1}',
    });

    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.setCookies).toEqual(['a=1; Path=/', 'b=2']);
    expect(parseBody(response.text)).toEqual({ echo: '{"x":1}', method: 'POST', auth: 'Bearer t' });
  });

  it('follows redirects itself: a 303 continues as GET, and credentials stay with their origin', async () => {
    server.route((req, res) => {
      if (req.url === '/start') {
        res.writeHead(303, { Location: `${other.url}/status` });
        res.end();
      }
    });
    other.route((req, res) => json(res, 200, { method: req.method, auth: req.headers.authorization ?? null, key: req.headers['x-trace'] ?? null }));

    const response = await http({ method: 'POST', url: `${server.url}/start`, headers: { Authorization: 'Bearer t', 'X-Trace': 'abc' }, body: 'x' });

    expect(response.url).toBe(`${other.url}/status`);
    expect(parseBody(response.text)).toEqual({ method: 'GET', auth: null, key: 'abc' });
  });

  it('refuses a redirect to the instance metadata service without calling it', async () => {
    server.route((_, res) => {
      res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
      res.end();
    });

    await expect(http({ method: 'GET', url: `${server.url}/go` })).rejects.toThrow(UnsafeUrlError);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a host name that resolves to a link-local address', async () => {
    const guarded = httpSender({ allowLinkLocal: false, lookup: async () => ['169.254.10.10'] });
    await expect(guarded({ method: 'GET', url: 'http://proxy.internal.example/' })).rejects.toThrow(
      /proxy\.internal\.example resolves to 169\.254\.10\.10, a link-local address/,
    );
  });

  it('connects to the address it checked: a resolver that answers differently the second time is asked once', async () => {
    server.route((req, res) => json(res, 200, { host: req.headers.host }));
    const port = new URL(server.url).port;
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    const asked: string[] = [];
    const rebinding = httpSender({
      allowLinkLocal: false,
      lookup: async (host) => {
        asked.push(host);
        return answers.shift() ?? ['169.254.169.254'];
      },
    });

    const response = await rebinding({ method: 'GET', url: `http://rebind.example:${port}/x` });

    expect(asked).toEqual(['rebind.example']);
    // The checked server answered, and saw the name the URL gave.
    expect(parseBody(response.text)).toEqual({ host: `rebind.example:${port}` });
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the name for TLS (SNI) while connecting to the checked address', async () => {
    const servernames: string[] = [];
    const tls = createTlsServer({
      SNICallback: (name, done) => {
        servernames.push(name);
        done(new Error('no certificate here'));
      },
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const port = (tls.address() as AddressInfo).port;
    const pinned = httpSender({ allowLinkLocal: false, timeoutMs: 2000, lookup: async () => ['127.0.0.1'] });
    try {
      await expect(pinned({ method: 'GET', url: `https://deploy.example:${port}/` })).rejects.toThrow(HttpTransportError);
      expect(servernames).toEqual(['deploy.example']);
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }
  });

  it('refuses the first answer when it is the metadata service, and never connects', async () => {
    let asked = 0;
    const guarded = httpSender({
      allowLinkLocal: true,
      lookup: async () => (++asked === 1 ? ['::ffff:169.254.169.254'] : ['127.0.0.1']),
    });
    await expect(guarded({ method: 'GET', url: `http://meta.example:${new URL(server.url).port}/` })).rejects.toThrow(/instance metadata/);
    expect(asked).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('times out a server that does not answer, saying the request may have arrived', async () => {
    server.route(() => undefined);
    const slow = httpSender({ allowLinkLocal: false, timeoutMs: 200 });

    const error = await slow({ method: 'POST', url: `${server.url}/slow`, body: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ code: 'TIMEOUT', notSent: false });
  });

  it('says a refused connection never sent anything', async () => {
    const closed = server.url;
    await server.close();
    server = await startServer();

    const error = await http({ method: 'POST', url: `${closed}/x` }).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'HttpTransportError', code: 'ECONNREFUSED', notSent: true });
  });

  it('stops reading a body larger than the limit', async () => {
    server.route((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('x'.repeat(600));
      res.end('y'.repeat(600));
    });
    const small = httpSender({ allowLinkLocal: false, maxBodyBytes: 1000 });

    await expect(small({ method: 'GET', url: `${server.url}/big` })).rejects.toThrow(ResponseTooLargeError);
  });
});
