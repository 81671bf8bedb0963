import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransportError, ResponseTooLargeError, UnsafeUrlError } from '../../../../functions/stages/external/errors.js';
import { httpSender, parseBody } from '../../../../functions/stages/external/http/client.js';
import { json, startServer, type TestServer } from '../support/http-server.js';

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
