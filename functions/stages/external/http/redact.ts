/**
 * Keeps credentials out of execution records: headers and query parameters that look like
 * secrets are replaced before anything is written to a stage's context or outputs. Pure.
 */

export const REDACTED = '<redacted>';

/** Header names that always carry credentials. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'set-cookie', 'x-auth-token']);

/** Words that make a header or query parameter name look like it carries a secret. */
const SECRET_WORDS = /token|secret|passw(or)?d|api[-_]?key|auth|cookie|session|credential|signature|private[-_]?key|x-amz-security/i;

export function isSensitiveName(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_WORDS.test(name);
}

/** A copy of the headers with sensitive values replaced by `<redacted>`. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSensitiveName(name) ? REDACTED : value]));
}

/** The URL with user info and sensitive query parameters replaced. Unparseable text is returned as is. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? 'redacted' : '';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (isSensitiveName(name)) parsed.searchParams.set(name, REDACTED);
  }
  return parsed.toString();
}
