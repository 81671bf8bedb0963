import { describe, expect, it } from 'vitest';
import { HttpTransportError } from '../../../../../../functions/core/http/errors.js';
import { parseWebhookConfig } from '../../../../../../functions/stages/external/webhook/config.js';
import {
  backoffSeconds,
  callbackPollSeconds,
  judgeCreateStatus,
  judgeMonitorStatus,
  judgeTransportError,
  monitorIntervalSeconds,
  readStatus,
  resolveStatusUrl,
} from '../../../../../../functions/stages/external/webhook/outcome.js';

const config = (raw: Record<string, unknown>) => {
  const parsed = parseWebhookConfig({ url: 'https://ci.example/start', ...raw });
  if (!parsed.value) throw new Error(parsed.problems.join('; '));
  return parsed.value;
};

describe('judgeCreateStatus', () => {
  const codes = { failFastStatusCodes: [503], retryStatusCodes: [409] };
  it.each([
    [200, 'ok'],
    [201, 'ok'],
    [302, 'ok'],
    [503, 'fail'], // fail fast wins over the 5xx retry
    [500, 'retry'],
    [429, 'retry'],
    [409, 'retry'],
    [404, 'fail'],
    [400, 'fail'],
  ])('%i → %s', (status, kind) => {
    expect(judgeCreateStatus(status, codes).kind).toBe(kind);
  });

  it('explains a fail-fast code', () => {
    expect(judgeCreateStatus(503, codes)).toEqual({ kind: 'fail', reason: 'received status code 503, which is configured to fail fast' });
  });
});

describe('judgeMonitorStatus', () => {
  it('retries 5xx, 429 and retryStatusCodes; fails other non-2xx', () => {
    const codes = { retryStatusCodes: [404] };
    expect(judgeMonitorStatus(200, codes).kind).toBe('ok');
    expect(judgeMonitorStatus(502, codes).kind).toBe('retry');
    expect(judgeMonitorStatus(404, codes).kind).toBe('retry');
    expect(judgeMonitorStatus(403, codes).kind).toBe('fail');
  });
});

describe('judgeTransportError', () => {
  const refused = new HttpTransportError('refused', 'ECONNREFUSED', true);
  const timeout = new HttpTransportError('slow', 'TIMEOUT', false);
  it('retries what surely never left, and idempotent methods', () => {
    expect(judgeTransportError(refused, 'POST').kind).toBe('retry');
    expect(judgeTransportError(timeout, 'GET').kind).toBe('retry');
    expect(judgeTransportError(timeout, 'PUT').kind).toBe('retry');
  });
  it('does not send a POST again that may have arrived', () => {
    expect(judgeTransportError(timeout, 'POST')).toEqual({ kind: 'fail', reason: 'slow; not sending the POST again: it may have reached the server' });
  });
});

describe('resolveStatusUrl', () => {
  const response = { url: 'https://ci.example/start', headers: { location: '/runs/7' }, body: { links: { status: 'https://status.example/runs/7' } } };

  it('getMethod polls the webhook URL itself', () => {
    expect(resolveStatusUrl(config({ statusUrlResolution: 'getMethod' }), response)).toEqual({ url: 'https://ci.example/start' });
  });
  it('locationHeader resolves a relative Location against the URL that answered', () => {
    expect(resolveStatusUrl(config({ statusUrlResolution: 'locationHeader' }), response)).toEqual({ url: 'https://ci.example/runs/7' });
    expect(resolveStatusUrl(config({ statusUrlResolution: 'locationHeader' }), { ...response, headers: {} })).toEqual({
      error: "the response has no Location header (statusUrlResolution 'locationHeader')",
    });
  });
  it('webhookResponse reads statusUrlJsonPath from the body', () => {
    const c = config({ statusUrlResolution: 'webhookResponse', statusUrlJsonPath: '$.links.status' });
    expect(resolveStatusUrl(c, response)).toEqual({ url: 'https://status.example/runs/7' });
    expect(resolveStatusUrl(c, { ...response, body: 'plain text' })).toEqual({ error: "statusUrlJsonPath '$.links.status' is not in the response body" });
  });
});

describe('readStatus', () => {
  const polling = config({
    waitForCompletion: true,
    statusJsonPath: '$.state',
    progressJsonPath: '$.message',
    successStatuses: 'SUCCESS',
    canceledStatuses: 'ABORTED',
    terminalStatuses: 'FAILED, ERROR',
  });

  it.each([
    [{ state: 'success' }, 'SUCCEEDED'],
    [{ state: 'Aborted' }, 'CANCELED'],
    [{ state: 'ERROR' }, 'TERMINAL'],
    [{ state: 'RUNNING' }, 'RUNNING'],
    [{ state: 40 }, 'RUNNING'],
    [{ state: 100 }, 'SUCCEEDED'],
  ])('%j → %s (case-insensitive; numbers are percentages)', (body, outcome) => {
    expect(readStatus(body, polling).outcome).toBe(outcome);
  });

  it('reports progress text or percentage', () => {
    expect(readStatus({ state: 'RUNNING', message: 'step 2 of 3' }, polling)).toEqual({
      outcome: 'RUNNING',
      status: 'RUNNING',
      progressMessage: 'step 2 of 3',
    });
    expect(readStatus({ state: 60 }, polling)).toMatchObject({ percentComplete: 60 });
  });

  it('is terminal when the status is missing or not a single value, as in Orca', () => {
    expect(readStatus({ other: 1 }, polling)).toEqual({
      outcome: 'TERMINAL',
      error: "unable to parse status: JSON property '$.state' not found in response body",
    });
    expect(readStatus({ state: { a: 1 } }, polling)).toMatchObject({ outcome: 'TERMINAL', error: "the json path '$.state' did not resolve to a single value" });
  });

  it('in callback mode reads `status` by default, and a callback without a status is a success', () => {
    const callback = config({ statusUrlResolution: 'callback' });
    expect(readStatus({ status: 'FAILED' }, callback).outcome).toBe('TERMINAL');
    expect(readStatus({ status: 'in progress' }, callback).outcome).toBe('RUNNING');
    expect(readStatus({ result: 'whatever' }, callback).outcome).toBe('SUCCEEDED');
    const strict = config({ statusUrlResolution: 'callback', successStatuses: 'DONE' });
    expect(readStatus({ result: 'whatever' }, strict).outcome).toBe('TERMINAL');
  });
});

describe('timing', () => {
  it('backs off exponentially to a minute, or as Retry-After asks (at most 5 min)', () => {
    expect([1, 2, 3, 5, 6, 10].map((n) => backoffSeconds(n))).toEqual([2, 4, 8, 32, 60, 60]);
    expect(backoffSeconds(1, '17')).toBe(17);
    expect(backoffSeconds(1, '9999')).toBe(300);
    expect(backoffSeconds(3, 'Wed, 21 Oct 2015 07:28:00 GMT')).toBe(8);
  });
  it('looks for a callback every 10 s, then 30 s after two minutes, then every minute after ten', () => {
    expect([0, 119_999, 120_000, 599_999, 600_000, 86_400_000].map(callbackPollSeconds)).toEqual([10, 10, 30, 30, 60, 60]);
  });
  it('polls every 5 s during the first minute, then every 15 s', () => {
    expect(monitorIntervalSeconds(0)).toBe(5);
    expect(monitorIntervalSeconds(59_999)).toBe(5);
    expect(monitorIntervalSeconds(60_000)).toBe(15);
  });
});
