/**
 * The one HTTP client of the external stages: Node's global fetch with a timeout, the address
 * guard on every hop (redirects are followed by hand so a redirect cannot reach a refused
 * address), a cap on the body size, and errors that say whether the request surely never left.
 */
import { HttpTransportError, ResponseTooLargeError } from '../errors.js';
import { checkUrl, type HostLookup } from './address-guard.js';
import { isSensitiveName } from './redact.js';

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
  /** @default dns.lookup */
  readonly lookup?: HostLookup;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export type HttpSender = (request: HttpRequest) => Promise<HttpResponse>;

/** Connection errors that mean the request never reached a server. */
const NOT_SENT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function httpSender(options: HttpOptions = {}): HttpSender {
  return (request) => send(request, options);
}

async function send(request: HttpRequest, options: HttpOptions): Promise<HttpResponse> {
  const doFetch = options.fetch ?? globalThis.fetch;
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
  let url = (await checkUrl(request.url, guard)).toString();
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw transportError(error, url, timeoutMs);
    }
    const location = response.headers.get('location');
    if (REDIRECTS.has(response.status) && location && hop < maxRedirects) {
      await response.body?.cancel().catch(() => undefined);
      const next = await checkUrl(new URL(location, url).toString(), guard);
      // As browsers do: 303 (and 301/302 after a POST) continue as GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = withoutHeader(headers, 'content-type');
      }
      // Credentials stay with the origin they were written for.
      if (next.origin !== new URL(url).origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !isSensitiveName(name)));
      }
      url = next.toString();
      continue;
    }
    const text = await readText(response, options.maxBodyBytes ?? 1024 * 1024, url, timeoutMs);
    const collected: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') collected[name] = value;
    });
    return { status: response.status, headers: collected, setCookies: response.headers.getSetCookie(), url, text };
  }
}

async function readText(response: Response, limit: number, url: string, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(`response from ${originOf(url)} is ${declared} bytes, more than the ${limit} we read`);
  }
  if (!response.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new ResponseTooLargeError(`response from ${originOf(url)} is more than the ${limit} bytes we read`);
      }
      chunks.push(value);
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
    return new HttpTransportError(`no answer from ${originOf(url)} within ${timeoutMs} ms`, 'TIMEOUT', false, { cause: error });
  }
  const code = e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.code ?? 'UNKNOWN';
  return new HttpTransportError(`request to ${originOf(url)} failed: ${code}`, code, NOT_SENT_CODES.has(code), { cause: error });
}

function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the server';
  }
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
