import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hubSignature256, verifyHubSignature256, verifyToken } from '../../../../functions/triggers/signatures.js';
import { fixtureText } from './fixtures.js';

describe('X-Hub-Signature-256', () => {
  const body = Buffer.from(fixtureText('github/push-branch-created.json'));
  const secret = "It's a Secret to Everybody";

  it('matches GitHub’s published example', () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(hubSignature256(secret, Buffer.from('Hello, World!'))).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });

  it('verifies the signature over the exact bytes', () => {
    const header = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(verifyHubSignature256(secret, body, header)).toBe(true);
    expect(verifyHubSignature256(secret, body, header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
  });

  it.each([
    ['a changed byte', (h: string) => h, Buffer.concat([body, Buffer.from(' ')])],
    ['another secret', () => hubSignature256('other', body), body],
    ['a truncated digest', (h: string) => h.slice(0, -2), body],
    ['no prefix', (h: string) => h.slice(7), body],
    ['sha1', () => 'sha1=0123456789abcdef0123456789abcdef01234567', body],
    ['an empty header', () => '', body],
  ])('refuses %s', (_name, header, data) => {
    expect(verifyHubSignature256(secret, data, header(hubSignature256(secret, body)))).toBe(false);
  });

  it('refuses everything when the secret is empty or the header missing', () => {
    expect(verifyHubSignature256('', body, hubSignature256('', body))).toBe(false);
    expect(verifyHubSignature256(secret, body, undefined)).toBe(false);
  });
});

describe('tokens (X-Gitlab-Token)', () => {
  it('accepts only the exact secret', () => {
    expect(verifyToken('s3cret', 's3cret')).toBe(true);
    for (const token of ['s3cre', 's3cret ', 'S3CRET', '', undefined]) expect(verifyToken('s3cret', token)).toBe(false);
    expect(verifyToken('', '')).toBe(false);
  });
});
