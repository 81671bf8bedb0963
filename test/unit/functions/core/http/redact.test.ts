import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, urlOrigin } from '../../../../../functions/core/http/redact.js';

describe('redactHeaders', () => {
  it('hides credentials, cookies and token-like headers, keeps the rest', () => {
    expect(
      redactHeaders({
        Authorization: 'Basic abc',
        'X-Api-Key': 'k',
        'set-cookie': 'session=1',
        Cookie: 'a=b',
        'X-Auth-Token': 't',
        'X-GitHub-Token': 't',
        'X-Client-Secret': 's',
        'Content-Type': 'application/json',
        'X-Request-Id': 'r-1',
      }),
    ).toEqual({
      Authorization: REDACTED,
      'X-Api-Key': REDACTED,
      'set-cookie': REDACTED,
      Cookie: REDACTED,
      'X-Auth-Token': REDACTED,
      'X-GitHub-Token': REDACTED,
      'X-Client-Secret': REDACTED,
      'Content-Type': 'application/json',
      'X-Request-Id': 'r-1',
    });
  });
});

describe('urlOrigin', () => {
  it('names a URL by scheme, host and port only: never user info, path or query', () => {
    expect(urlOrigin('https://user:pw@ci.example:8443/hooks/T0/B0/XXXX?token=abc&branch=main')).toBe('https://ci.example:8443');
  });

  it('says "the server" for text that is not a URL, rather than repeating it', () => {
    expect(urlOrigin('not a url /with/a/token')).toBe('the server');
  });
});
