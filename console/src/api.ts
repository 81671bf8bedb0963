/**
 * The console's only way to the platform: the HTTP API under /api on the same origin. GETs are
 * conditional: each answer's ETag is kept per URL and sent back as If-None-Match, so an unchanged
 * poll is a 304 with no body and the page keeps what it has (and does not re-render).
 */
import { bearerToken } from './auth.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** Per-field problems (a ParameterError's), when the API lists them. */
    readonly problems: ReadonlyArray<{ readonly path: string; readonly message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const cache = new Map<string, { etag: string; data: unknown }>();

async function headers(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const token = await bearerToken();
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

async function failure(response: Response): Promise<ApiError> {
  let body: { error?: string; message?: string; problems?: Array<{ path: string; message: string }> } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const message =
    response.status === 403
      ? `Not allowed: ${body.message ?? 'you lack the permission this needs'}`
      : (body.message ?? `the API answered ${response.status} ${response.statusText}`);
  return new ApiError(message, response.status, body.error ?? `HTTP${response.status}`, body.problems ?? []);
}

export interface Fetched<T> {
  readonly data: T;
  /** false when the server said 304: `data` is what the page already had. */
  readonly changed: boolean;
}

export async function get<T>(path: string): Promise<Fetched<T>> {
  const url = `/api${path}`;
  const known = cache.get(url);
  let response: Response;
  try {
    // no-store: the page does its own revalidation, so the browser cache must not answer for it.
    response = await fetch(url, { cache: 'no-store', headers: await headers(known ? { 'if-none-match': known.etag } : {}) });
  } catch (error) {
    throw new ApiError(`cannot reach the API: ${(error as Error).message}`, 0, 'NetworkError');
  }
  if (response.status === 304 && known) return { data: known.data as T, changed: false };
  if (!response.ok) throw await failure(response);
  const data = (await response.json()) as T;
  const etag = response.headers.get('etag');
  if (etag) cache.set(url, { etag, data });
  return { data, changed: true };
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { method: 'POST', headers: await headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(`cannot reach the API: ${(error as Error).message}`, 0, 'NetworkError');
  }
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export const enc = encodeURIComponent;
