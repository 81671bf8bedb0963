/**
 * Conditional GETs for the console's polling: every 200 answer to a GET carries an ETag of its body,
 * and a request whose If-None-Match names it gets 304 with no body. Polling an unchanged run then
 * costs a record read and a hash, and sends nothing back (no WebSocket service to operate).
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A weak validator: the same JSON text is the same representation (no byte-range guarantees). */
function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** RFC 9110 If-None-Match with weak comparison: `*` or any listed tag matching, W/ ignored. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const want = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === want);
}

/** Adds the ETag to a GET's 200, or turns it into a 304 when the client already has it. */
export function conditionalGet(
  method: string,
  ifNoneMatch: string | undefined,
  response: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 {
  if (method !== 'GET' || response.statusCode !== 200 || typeof response.body !== 'string') return response;
  const etag = etagOf(response.body);
  // no-cache: a cache may keep it but must ask again each time, which is what polling wants.
  const headers = { ...response.headers, etag, 'cache-control': 'private, no-cache' };
  if (matchesIfNoneMatch(ifNoneMatch, etag)) return { statusCode: 304, headers: { etag, 'cache-control': headers['cache-control'] } };
  return { ...response, headers };
}
