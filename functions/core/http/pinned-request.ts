/**
 * One HTTP(S) request connected to the address the guard checked (address-guard.ts checkTarget):
 * the host name stays in the URL, so the Host header, TLS SNI and certificate check use it, but
 * the socket's lookup answers with the checked address and nothing else. Node's fetch resolves the
 * name again itself, which is the DNS-rebinding window this closes. No agent: a pooled socket could
 * have been opened for another check.
 *
 * node:http and node:https come from process.getBuiltinModule when called, not as ES imports: the
 * module view of node:http reads its lazy exports, which load undici at cold start.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './address-guard.js';

export interface PinnedRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** A lookup that answers every question with the checked address. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    // Node asks for every address when it may try both families (autoSelectFamily).
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** Sends the request to the checked address; resolves with the response head (the body still streams). */
export function pinnedRequest(target: CheckedTarget, request: PinnedRequest): Promise<IncomingMessage> {
  const secure = target.url.protocol === 'https:';
  const { request: send } = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const headers: Record<string, string> = { ...request.headers };
  const body = request.body;
  if (body !== undefined) {
    // As fetch does for a string body.
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'text/plain;charset=UTF-8';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const options: RequestOptions = {
    method: request.method,
    headers,
    agent: false,
    signal: request.signal,
    lookup: pinnedLookup(target.address, target.family),
  };
  return new Promise((resolve, reject) => {
    const req = send(target.url, options, resolve);
    req.once('error', reject);
    req.end(body);
  });
}
