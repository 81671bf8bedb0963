import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_STATUSES, parseWebhookConfig } from '../../../../../../functions/stages/external/webhook/config.js';
import { SPINNAKER_EXAMPLES } from '../../../../../support/fixtures.js';

describe('parseWebhookConfig', () => {
  it("reads the OpsMx Jira example's webhook stage (Spinnaker fields, comma-separated statuses)", () => {
    // GIVEN the stage of the 100.json export with its expression evaluated
    const pipeline = JSON.parse(readFileSync(join(SPINNAKER_EXAMPLES, '100.json'), 'utf8')) as { stages: Record<string, unknown>[] };
    const stage = { ...pipeline.stages[0]!, url: 'https://mycompany.atlassian.net/rest/api/latest/issue/OP-3246' };

    // WHEN
    const parsed = parseWebhookConfig(stage);

    // THEN terminal wins over success for "Done", as in Orca (later lists override earlier ones)
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toMatchObject({
      method: 'GET',
      mode: 'poll',
      statusUrlResolution: 'getMethod',
      statusJsonPath: 'fields.status.name',
      progressJsonPath: 'fields.status.name',
      failFastStatusCodes: [404],
      retryStatusCodes: [],
      headers: { Authorization: 'Basic blahblahblah==', 'Content-Type': 'application/json' },
    });
    expect([...parsed.value!.statuses]).toEqual([
      ['APPROVED', 'SUCCEEDED'],
      ['DONE', 'TERMINAL'],
      ['PR RAISED', 'CANCELED'],
    ]);
  });

  it('defaults to a POST that does not wait, with a JSON body for an object payload', () => {
    const parsed = parseWebhookConfig({ url: 'https://hooks.example/x', payload: { a: 1 } });
    expect(parsed.value).toMatchObject({ method: 'POST', mode: 'fireAndForget', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
  });

  it('sends a string payload as it is, without guessing its content type', () => {
    const parsed = parseWebhookConfig({ url: 'https://hooks.example/x', payload: 'a=1', customHeaders: { 'content-type': 'text/plain' } });
    expect(parsed.value).toMatchObject({ body: 'a=1', headers: { 'content-type': 'text/plain' } });
  });

  it('recognises callback mode by statusUrlResolution or the callback flag, with default statuses', () => {
    expect(parseWebhookConfig({ url: 'https://x.example', statusUrlResolution: 'callback' }).value).toMatchObject({ mode: 'callback' });
    const flagged = parseWebhookConfig({ url: 'https://x.example', callback: true, waitForCompletion: true });
    expect(flagged.value?.mode).toBe('callback');
    expect(flagged.value?.statuses).toBe(DEFAULT_CALLBACK_STATUSES);
  });

  it('keeps the cancel request unless signalCancellation is false', () => {
    const base = { url: 'https://x.example', cancelEndpoint: 'https://x.example/cancel', cancelMethod: 'delete', cancelPayload: { why: 'stop' } };
    expect(parseWebhookConfig(base).value?.cancel).toEqual({ url: 'https://x.example/cancel', method: 'DELETE', body: '{"why":"stop"}' });
    expect(parseWebhookConfig({ ...base, signalCancellation: false }).value?.cancel).toBeUndefined();
  });

  it('accepts status lists as arrays and status codes as strings', () => {
    const parsed = parseWebhookConfig({
      url: 'https://x.example',
      waitForCompletion: 'true',
      statusJsonPath: '$.state',
      successStatuses: ['ok', 'fine'],
      retryStatusCodes: '409, 423',
    });
    expect(parsed.value?.retryStatusCodes).toEqual([409, 423]);
    expect([...parsed.value!.statuses.keys()]).toEqual(['OK', 'FINE']);
  });

  it('lists every problem with the field it concerns', () => {
    const parsed = parseWebhookConfig({
      method: 'FETCH',
      waitForCompletion: true,
      statusUrlResolution: 'webhookResponse',
      statusJsonPath: '$.items[?(@.x)]',
      failFastStatusCodes: [404, 'nope'],
      customHeaders: { 'Bad Header': 'x', 'X-Multi': 'a\r\nb' },
      waitBeforeMonitor: -1,
    });
    expect(parsed.value).toBeUndefined();
    expect(parsed.problems).toEqual([
      'method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"',
      'url: required',
      expect.stringMatching(/^statusJsonPath: JSONPath .*filter and script expressions are not supported/),
      "statusUrlJsonPath: required with statusUrlResolution 'webhookResponse'",
      'waitBeforeMonitor: must be a number of seconds >= 0, got -1',
      'customHeaders.Bad Header: not a valid header name',
      'customHeaders.X-Multi: must be a single-line text value',
      'failFastStatusCodes: must be a list of HTTP status codes (100-599), got [404,"nope"]',
    ]);
  });

  it('requires statusJsonPath when polling, and a status endpoint for monitorOnly', () => {
    expect(parseWebhookConfig({ url: 'https://x.example', waitForCompletion: true }).problems).toEqual([
      'statusJsonPath: required when waiting for completion (where the status is in the status response)',
    ]);
    expect(parseWebhookConfig({ monitorOnly: true, waitForCompletion: true, statusJsonPath: 'status' }).problems).toEqual([
      'statusEndpoint: required with monitorOnly',
    ]);
    expect(parseWebhookConfig({ url: 'ftp://x.example' }).problems).toEqual(['url: must be an http or https URL']);
  });
});
