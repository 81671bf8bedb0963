/**
 * The one outbound HTTP client (external stages, http/github artifact reads, the notifier):
 * node:http(s) with a timeout, the address guard on every hop (redirects are followed by hand so a
 * redirect cannot reach a refused address), each connection made to the address the guard checked
 * (pinned-request.ts: no DNS-rebinding window), a cap on the body size, and errors that say
 * whether the request surely never left.
 */
import type { IncomingMessage } from 'node:http';
import { HttpTransportError, ResponseTooLargeError } from './errors.js';
import { checkTarget, type HostLookup } from './address-guard.js';
import { pinnedRequest } from './pinned-request.js';
import { isSensitiveName, urlOrigin } from './redact.js';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", " (Set-Cookie is in `setCookies`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookies: readonly string[];
  /** The URL that answered (after redirects). */
  readonly url: string;
  readonly text: string;
}

export interface HttpOptions {
  /** Per request, redirects and body included. @default 30000 */
  readonly timeoutMs?: number;
  /** @default 5 */
  readonly maxRedirects?: number;
  /** @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** @default GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL === 'true' */
  readonly allowLinkLocal?: boolean;
  /** @default dns.lookup, once per hop */
  readonly lookup?: HostLookup;
}

export type HttpSender = (request: HttpRequest) => Promise<HttpResponse>;

/** Connection errors that mean the request never reached a server. */
const NOT_SENT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function httpSender(options: HttpOptions = {}): HttpSender {
  return (request) => send(request, options);
}

async function send(request: HttpRequest, options: HttpOptions): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const maxRedirects = options.maxRedirects ?? 5;
  const guard = {
    ...(options.allowLinkLocal !== undefined ? { allowLinkLocal: options.allowLinkLocal } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  let method = request.method.toUpperCase();
  let body = request.body;
  let headers: Record<string, string> = { ...request.headers };
  let target = await checkTarget(request.url, guard);
  for (let hop = 0; ; hop++) {
    const url = target.url.toString();
    let response: IncomingMessage;
    try {
      response = await pinnedRequest(target, {
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        signal,
      });
    } catch (error) {
      throw transportError(error, url, timeoutMs);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECTS.has(status) && location && hop < maxRedirects) {
      response.destroy();
      const next = await checkTarget(new URL(location, url).toString(), guard);
      // As browsers do: 303 (and 301/302 after a POST) continue as GET without a body.
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = withoutHeader(headers, 'content-type');
      }
      // Credentials stay with the origin they were written for.
      if (next.url.origin !== target.url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !isSensitiveName(name)));
      }
      target = next;
      continue;
    }
    const text = method === 'HEAD' ? '' : await readText(response, options.maxBodyBytes ?? 1024 * 1024, url, timeoutMs);
    if (method === 'HEAD') response.destroy();
    const collected: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (name !== 'set-cookie' && value !== undefined) collected[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status, headers: collected, setCookies: response.headers['set-cookie'] ?? [], url, text };
  }
}

async function readText(response: IncomingMessage, limit: number, url: string, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    response.destroy();
    throw new ResponseTooLargeError(`response from ${urlOrigin(url)} is ${declared} bytes, more than the ${limit} we read`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > limit) {
        response.destroy();
        throw new ResponseTooLargeError(`response from ${urlOrigin(url)} is more than the ${limit} bytes we read`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ResponseTooLargeError) throw error;
    throw transportError(error, url, timeoutMs);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function transportError(error: unknown, url: string, timeoutMs: number): HttpTransportError {
  const e = error as { name?: string; cause?: { code?: string; errors?: Array<{ code?: string }> }; code?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new HttpTransportError(`no answer from ${urlOrigin(url)} within ${timeoutMs} ms`, 'TIMEOUT', false, { cause: error });
  }
  const code = e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.code ?? 'UNKNOWN';
  return new HttpTransportError(`request to ${urlOrigin(url)} failed: ${code}`, code, NOT_SENT_CODES.has(code), { cause: error });
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
}

/**
 * A body as Orca keeps it: parsed JSON when it looks like an object or array, otherwise the text
 * (undefined when empty).
 */
export function parseBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
