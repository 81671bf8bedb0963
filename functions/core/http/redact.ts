/**
 * What the external stages say about the requests they make, without credentials: response headers
 * that look like secrets are dropped by name (secrets this call resolved are scrubbed by value by
 * the engine, functions/core/secrets), and a URL is named by its origin alone: paths and query
 * strings often carry tokens (Slack and Teams webhook URLs are nothing but one). Pure.
 */
import { isSensitiveName } from '../../../state-machines/model/secret-references.js';
import { REDACTED } from '../secrets/scope.js';

export { isSensitiveName, REDACTED };

/** A copy of the headers with sensitive values replaced by `<redacted>`. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSensitiveName(name) ? REDACTED : value]));
}

/** Scheme, host and port of a URL, for messages: never user info, path or query. */
export function urlOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? 'the server' : parsed.origin;
  } catch {
    return 'the server';
  }
}
