import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactUrl } from '../../../../../../functions/stages/external/http/redact.js';

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

describe('redactUrl', () => {
  it('hides user info and secret-looking query parameters', () => {
    expect(redactUrl('https://user:pw@ci.example/job?token=abc&branch=main&api_key=k')).toBe(
      'https://redacted@ci.example/job?token=%3Credacted%3E&branch=main&api_key=%3Credacted%3E',
    );
  });

  it('leaves text that is not a URL alone', () => {
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
