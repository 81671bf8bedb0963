import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpSender } from '../../../../functions/core/http/client.js';
import { cancelWebhook } from '../../../../functions/stages/external/webhook/cancel.js';
import { CALLBACK_URL_HEADER } from '../../../../functions/stages/external/webhook/config.js';
import { hashCallbackToken, webhookStage, WEBHOOK_CALLBACK_KEY, WEBHOOK_STATE_KEY } from '../../../../functions/stages/external/webhook/stage.js';
import { json, startServer, type TestServer } from '../support/http-server.js';
import { StageRun } from '../support/stage-run.js';

const http = httpSender({ allowLinkLocal: false, timeoutMs: 2000 });
const stage = webhookStage({ http, callbackBaseUrl: 'https://gennaker.example/webhooks/callback', token: () => 'tok-123' });

describe('webhook stage against a real HTTP server', () => {
  let server: TestServer;
  let other: TestServer;
  beforeEach(async () => {
    server = await startServer();
    other = await startServer();
  });
  afterEach(async () => {
    await server.close();
    await other.close();
  });

  it('fires a request and succeeds on 2xx, recording the answer without secrets', async () => {
    server.route((_, res) => json(res, 200, { accepted: true }, { 'X-Auth-Token': 'leak-me-not', 'X-Request-Id': 'r-1' }));
    const run = new StageRun(stage, {
      url: `${server.url}/notify`,
      method: 'POST',
      customHeaders: { Authorization: 'Bearer secret', 'X-Team': 'web' },
      payload: { version: '1.2.3' },
    });

    const result = await run.call();

    expect(result.status).toBe('SUCCEEDED');
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '{"version":"1.2.3"}' });
    expect(server.requests[0]?.headers).toMatchObject({ authorization: 'Bearer secret', 'x-team': 'web', 'content-type': 'application/json' });
    expect(run.state.webhook).toMatchObject({
      statusCode: 'OK',
      statusCodeValue: 200,
      body: { accepted: true },
      headers: { 'x-auth-token': '<redacted>', 'x-request-id': 'r-1' },
    });
    expect(run.outputs).toEqual({ webhook: { statusCode: 'OK', statusCodeValue: 200 } });
    expect(JSON.stringify([run.state, run.outputs, run.checkpoints])).not.toMatch(/secret|leak-me-not/);
    // The request was marked in flight before it went out.
    expect(run.checkpoints[0]).toMatchObject({ [WEBHOOK_STATE_KEY]: { requestInFlight: true, attempts: 1 } });
  });

  it('polls the webhook URL (getMethod) until a success status, as the Jira example does', async () => {
    let polls = 0;
    server.route((req, res) => {
      polls += 1;
      const name = polls < 3 ? 'In Progress' : 'Approved';
      json(res, 200, { key: 'OP-3246', fields: { status: { name } }, auth: req.headers.authorization });
    });
    const run = new StageRun(stage, {
      method: 'GET',
      url: `${server.url}/rest/api/latest/issue/OP-3246`,
      customHeaders: { Authorization: 'Basic abc==' },
      waitForCompletion: true,
      statusUrlResolution: 'getMethod',
      statusJsonPath: 'fields.status.name',
      progressJsonPath: 'fields.status.name',
      successStatuses: 'Approved, Done',
      terminalStatuses: 'Done',
      canceledStatuses: 'PR Raised',
    });

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    expect(run.results.map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(server.requests.every((r) => r.headers.authorization === 'Basic abc==')).toBe(true);
    expect(run.state.webhook).toMatchObject({
      statusEndpoint: `${server.url}/rest/api/latest/issue/OP-3246`,
      monitor: { status: 'Approved', progressMessage: 'Approved' },
    });
    expect(run.outputs.webhook).toEqual({
      statusCode: 'OK',
      statusCodeValue: 200,
      statusEndpoint: `${server.url}/rest/api/latest/issue/OP-3246`,
      status: 'Approved',
      progressMessage: 'Approved',
    });
  });

  it('follows the Location header, reading percentages, and waits waitBeforeMonitor first', async () => {
    let polls = 0;
    server.route((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, { Location: '/runs/7' });
        res.end();
        return;
      }
      polls += 1;
      json(res, 200, { progress: polls * 50 });
    });
    const run = new StageRun(stage, {
      url: `${server.url}/runs`,
      waitForCompletion: true,
      statusUrlResolution: 'locationHeader',
      statusJsonPath: '$.progress',
      waitBeforeMonitor: 30,
    });

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    expect(run.results[0]).toMatchObject({ status: 'RUNNING', waitSeconds: 30 });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /runs', 'GET /runs/7', 'GET /runs/7']);
    expect(run.state.webhook).toMatchObject({ statusEndpoint: `${server.url}/runs/7`, monitor: { percentComplete: 100 } });
  });

  it('reads the status URL from the response (webhookResponse); credentials do not follow it to another origin', async () => {
    server.route((_, res) => json(res, 200, { links: { status: `${other.url}/status/1` } }));
    other.route((req, res) => json(res, 200, { state: 'FAILED', auth: req.headers.authorization ?? null, team: req.headers['x-team'] ?? null }));
    const run = new StageRun(stage, {
      url: `${server.url}/deploy`,
      customHeaders: { Authorization: 'Bearer s3', 'X-Team': 'web' },
      waitForCompletion: true,
      statusUrlResolution: 'webhookResponse',
      statusUrlJsonPath: '$.links.status',
      statusJsonPath: '$.state',
      successStatuses: 'SUCCEEDED',
      terminalStatuses: 'FAILED',
    });

    const result = await run.untilDone();

    expect(result).toMatchObject({ status: 'FAILED', error: 'the webhook reported "FAILED", one of its terminal statuses' });
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers['x-team']).toBe('web');
  });

  it('retries 5xx and 429 with backoff (honouring Retry-After), then goes on', async () => {
    let calls = 0;
    server.route((_, res) => {
      calls += 1;
      if (calls === 1) json(res, 503, { error: 'down' });
      else if (calls === 2) json(res, 429, { error: 'slow down' }, { 'Retry-After': '7' });
      else json(res, 200, { ok: true });
    });
    const run = new StageRun(stage, { url: `${server.url}/hook` });

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    expect(run.results.map((r) => (r.status === 'RUNNING' ? r.waitSeconds : r.status))).toEqual([2, 7, 'SUCCEEDED']);
    expect(run.state[WEBHOOK_STATE_KEY]).toMatchObject({ attempts: 3, failures: 0 });
  });

  it('fails at once on a fail-fast status code, and on other 4xx', async () => {
    server.route((_, res) => json(res, 404, { error: 'no such issue' }));
    const failFast = await new StageRun(stage, { url: `${server.url}/a`, method: 'GET', failFastStatusCodes: [404] }).call();
    expect(failFast).toMatchObject({ status: 'FAILED', error: 'received status code 404, which is configured to fail fast' });

    server.route((_, res) => json(res, 400, { error: 'bad' }));
    const run = new StageRun(stage, { url: `${server.url}/b` });
    expect(await run.call()).toMatchObject({ status: 'FAILED', error: 'the webhook request failed with status code 400' });
    expect(run.state.webhook).toMatchObject({ statusCodeValue: 400, body: { error: 'bad' } });
  });

  it('retries status polls answered with one of retryStatusCodes', async () => {
    let polls = 0;
    server.route((req, res) => {
      if (req.method === 'POST') return json(res, 200, {});
      polls += 1;
      return polls === 1 ? json(res, 404, {}) : json(res, 200, { status: 'DONE' });
    });
    const run = new StageRun(stage, {
      url: `${server.url}/x`,
      waitForCompletion: true,
      statusJsonPath: 'status',
      successStatuses: 'DONE',
      retryStatusCodes: [404],
    });
    expect((await run.untilDone()).status).toBe('SUCCEEDED');
    expect(polls).toBe(2);
  });

  it('reports a canceled status as a canceled stage, naming it', async () => {
    server.route((req, res) => (req.method === 'POST' ? json(res, 200, {}) : json(res, 200, { s: 'Aborted' })));
    const run = new StageRun(stage, { url: `${server.url}/x`, waitForCompletion: true, statusJsonPath: 's', canceledStatuses: 'ABORTED' });
    expect(await run.untilDone()).toMatchObject({ status: 'CANCELED', reason: 'the webhook reported "Aborted", one of its canceled statuses' });
  });

  it('does not send a POST again after a crash that may have sent it; sends an idempotent PUT again', async () => {
    server.route((_, res) => json(res, 200, {}));
    const post = new StageRun(stage, { url: `${server.url}/x`, method: 'POST' });
    post.crashAfterCheckpoint = (patch) => WEBHOOK_STATE_KEY in patch;
    await expect(post.call()).rejects.toThrow('simulated crash');

    const retried = await post.call();
    expect(retried.status).toBe('FAILED');
    expect(retried.status === 'FAILED' && retried.error).toMatch(/ended without recording its answer; not sending it again/);
    expect(server.requests).toHaveLength(0);

    const put = new StageRun(stage, { url: `${server.url}/y`, method: 'PUT' });
    put.crashAfterCheckpoint = (patch) => WEBHOOK_STATE_KEY in patch;
    await expect(put.call()).rejects.toThrow('simulated crash');
    expect((await put.call()).status).toBe('SUCCEEDED');
    expect(server.requests.map((r) => r.method)).toEqual(['PUT']);
  });

  it('refuses to call the instance metadata service', async () => {
    const result = await new StageRun(stage, { url: 'http://169.254.169.254/latest/meta-data/', method: 'GET' }).call();
    expect(result).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/refusing to call http:\/\/169\.254\.169\.254: the instance metadata service/),
    });
  });

  it('in callback mode sends a callback URL with a one-off token and waits for the delivered callback', async () => {
    server.route((_, res) => json(res, 202, {}));
    const run = new StageRun(stage, {
      url: `${server.url}/jobs`,
      statusUrlResolution: 'callback',
      payload: { job: 'migrate', notify: '{{callbackUrl}}' },
    });

    const first = await run.call();
    const callbackUrl = 'https://gennaker.example/webhooks/callback/exec-1/1?token=tok-123';
    expect(first).toMatchObject({ status: 'RUNNING', waitSeconds: 10 });
    expect(server.requests[0]?.headers[CALLBACK_URL_HEADER.toLowerCase()]).toBe(callbackUrl);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ job: 'migrate', notify: callbackUrl });
    // Only the token's hash is kept.
    expect(run.state[WEBHOOK_STATE_KEY]).toMatchObject({ phase: 'callback', callbackTokenHashes: [hashCallbackToken('tok-123')] });
    expect(JSON.stringify(run.state)).not.toContain('tok-123');

    expect((await run.call()).status).toBe('RUNNING'); // nothing delivered yet

    run.state[WEBHOOK_CALLBACK_KEY] = { sequence: 1, receivedAt: run.now, body: { status: 'RUNNING', message: 'half way' } };
    expect((await run.call()).status).toBe('RUNNING');
    expect(run.state.webhook).toMatchObject({ callback: { sequence: 1, status: 'RUNNING' } });

    run.state[WEBHOOK_CALLBACK_KEY] = { sequence: 2, receivedAt: run.now, body: { status: 'SUCCEEDED' } };
    expect((await run.call()).status).toBe('SUCCEEDED');
    expect(run.outputs.webhook).toMatchObject({ statusCodeValue: 202, status: 'SUCCEEDED' });
  });

  it('cancels through cancelEndpoint only after the request was answered', async () => {
    server.route((req, res) => (req.url === '/cancel' ? json(res, 204, {}) : json(res, 200, {})));
    const config = {
      url: `${server.url}/start`,
      customHeaders: { Authorization: 'Bearer x' },
      waitForCompletion: true,
      statusJsonPath: 's',
      cancelEndpoint: `${server.url}/cancel`,
      cancelMethod: 'POST',
      cancelPayload: { reason: 'pipeline canceled' },
    };
    expect(await cancelWebhook(config, {}, http)).toEqual({ sent: false, reason: 'the webhook request was never answered, nothing to cancel' });

    const run = new StageRun(stage, config);
    await run.call();
    expect(await cancelWebhook(config, run.state, http)).toEqual({ sent: true, statusCode: 204 });
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', url: '/cancel', body: '{"reason":"pipeline canceled"}' });
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer x');
  });
});
