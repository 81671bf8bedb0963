import { describe, expect, it } from 'vitest';
import { concurrencyPolicyOf } from '../../../../functions/core/concurrency.js';
import { dedupeKeyFor, executionIdFor, triggerObject } from '../../../../functions/triggers/dispatch.js';
import { MalformedEventError, PayloadTooLargeError } from '../../../../functions/triggers/errors.js';
import { MAX_BODY_BYTES, parseJsonObject, readWebhookRequest } from '../../../../functions/triggers/http.js';
import { carriedPayload } from '../../../../functions/triggers/normalized.js';

describe('trigger objects', () => {
  it('start from the settings, let the event override them, and never copy a secret', () => {
    const config = { type: 'git', source: 'github', project: 'a', slug: 'b', branch: 'release/.*', secret: 'hook-secret', enabled: true };
    expect(triggerObject(config, { type: 'git', branch: 'release/1.2', hash: 'abc' }, { extra: 1 })).toEqual({
      type: 'git',
      source: 'github',
      project: 'a',
      slug: 'b',
      branch: 'release/1.2',
      hash: 'abc',
      extra: 1,
    });
  });

  it('leave out payloads too large to carry', () => {
    expect(carriedPayload({ a: 1 })).toEqual({ payload: { a: 1 } });
    expect(carriedPayload({ big: 'x'.repeat(70_000) })).toEqual({ payloadOmitted: 'larger than 65536 bytes' });
  });
});

describe('execution names', () => {
  const pipeline = { application: 'shop', id: 'shop-deploy' };

  it('are the same for the same delivery and pipeline, and differ otherwise', () => {
    const key = dedupeKeyFor({ source: 'github', deliveryKey: 'd-1' }, pipeline);
    expect(key).toBe('github:d-1|shop/shop-deploy');
    expect(executionIdFor(key, pipeline)).toBe(executionIdFor(key, pipeline));
    expect(executionIdFor(key, pipeline)).not.toBe(executionIdFor(dedupeKeyFor({ source: 'github', deliveryKey: 'd-2' }, pipeline), pipeline));
    expect(executionIdFor(key, pipeline)).toMatch(/^shop-deploy-[0-9a-f]{20}$/);
  });

  it('fit Step Functions rules (≤ 80 of [A-Za-z0-9_-]) for any pipeline id', () => {
    for (const id of ['8f2c0a6e-1b7e-4c2e-9a54-5e4a3c0d9b11', 'x'.repeat(200), 'weird id/with:chars']) {
      const name = executionIdFor(`k|a/${id}`, { id });
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });
});

describe("Orca's concurrency policy", () => {
  it.each([
    [
      { limitConcurrent: true, maxConcurrentExecutions: 0, keepWaitingPipelines: false },
      { maxRunning: 1, keepWaiting: false },
    ],
    [
      { limitConcurrent: true, maxConcurrentExecutions: 5, keepWaitingPipelines: true },
      { maxRunning: 1, keepWaiting: true },
    ],
    [
      { limitConcurrent: false, maxConcurrentExecutions: 5, keepWaitingPipelines: true },
      { maxRunning: 5, keepWaiting: true },
    ],
    [
      { limitConcurrent: false, maxConcurrentExecutions: 0, keepWaitingPipelines: false },
      { maxRunning: 0, keepWaiting: false },
    ],
  ])('%j → %j', (pipeline, policy) => {
    expect(concurrencyPolicyOf(pipeline)).toEqual(policy);
  });
});

describe('webhook requests', () => {
  const base = { headers: { 'X-GitHub-Event': 'push' }, rawPath: '/webhooks/git/github', isBase64Encoded: false };

  it('lower-cases header names and keeps the exact body bytes', () => {
    const request = readWebhookRequest({ ...base, body: '{"a":"é"}' });
    expect(request.headers).toEqual({ 'x-github-event': 'push' });
    expect(request.rawBody.equals(Buffer.from('{"a":"é"}'))).toBe(true);
    const encoded = readWebhookRequest({ ...base, body: Buffer.from('{"b":1}').toString('base64'), isBase64Encoded: true });
    expect(encoded.rawBody.toString()).toBe('{"b":1}');
  });

  it('refuses bodies over 1 MB, as text or base64', () => {
    expect(() => readWebhookRequest({ ...base, body: 'x'.repeat(MAX_BODY_BYTES + 1) })).toThrow(PayloadTooLargeError);
    expect(() => readWebhookRequest({ ...base, body: 'é'.repeat(MAX_BODY_BYTES / 2 + 1) })).toThrow(PayloadTooLargeError);
    expect(() => readWebhookRequest({ ...base, body: Buffer.alloc(MAX_BODY_BYTES + 1).toString('base64'), isBase64Encoded: true })).toThrow(
      PayloadTooLargeError,
    );
    expect(readWebhookRequest({ ...base, body: 'x'.repeat(MAX_BODY_BYTES) }).rawBody.length).toBe(MAX_BODY_BYTES);
  });

  it('parses JSON objects only', () => {
    expect(parseJsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    for (const text of ['', '[1]', 'null', '"x"', '{"a":']) expect(() => parseJsonObject(Buffer.from(text))).toThrow(MalformedEventError);
  });
});
