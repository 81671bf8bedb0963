/**
 * HTTP plumbing for webhook triggers (API Gateway HTTP API, payload format 2.0): the raw body as
 * bytes (signatures are over the exact bytes), lower-cased headers, the 1 MB limit, JSON parsing
 * that reports instead of throwing, and responses shaped from results or errors.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpStatusOf } from '../../state-machines/errors.js';
import { sourceMappedStack } from '../core/source-maps.js';
import { MalformedEventError, ParameterError, PayloadTooLargeError } from './errors.js';
import { type Log, powertoolsLog } from '../core/log.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
}

/** The parts of an HTTP API v2 event this area reads. */
export type HttpEvent = Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers' | 'queryStringParameters' | 'pathParameters' | 'rawPath'> & {
  readonly requestContext?: { readonly http?: { readonly method?: string; readonly path?: string } };
};

export function readWebhookRequest(event: HttpEvent): WebhookRequest {
  const body = event.body ?? '';
  // Cheap bound before decoding: base64 is 4/3 the size of the bytes; text has at least one byte per character.
  if (body.length > (event.isBase64Encoded ? Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4 : MAX_BODY_BYTES)) {
    throw new PayloadTooLargeError(`body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const rawBody = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (rawBody.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(`body is ${rawBody.length} bytes; the limit is ${MAX_BODY_BYTES}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const clean = (o: Record<string, string | undefined> | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    method: (event.requestContext?.http?.method ?? 'POST').toUpperCase(),
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    headers,
    query: clean(event.queryStringParameters),
    pathParameters: clean(event.pathParameters),
    rawBody,
  };
}

/** Parses a JSON object body; anything else is a MalformedEventError. */
export function parseJsonObject(raw: Buffer, what = 'body'): Record<string, unknown> {
  if (raw.length === 0) throw new MalformedEventError(`${what} is empty`);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new MalformedEventError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedEventError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The JSON body for an error: its class and message for 4xx, a generic message for 5xx. */
export function errorBody(error: unknown, status = httpStatusOf(error)): Record<string, unknown> {
  if (status >= 500 && status !== 501 && status !== 503) return { error: 'InternalError', message: 'internal error; see the function logs' };
  const e = error as Error;
  return {
    error: e.name,
    message: e.message,
    ...(error instanceof ParameterError ? { problems: error.problems } : {}),
  };
}

/** Maps an error to its response; 5xx are logged with their message and stack (4xx are the caller's doing). */
function errorResponse(error: unknown, log: Log, context: Record<string, unknown> = {}): APIGatewayProxyStructuredResultV2 {
  const status = httpStatusOf(error);
  if (status >= 500)
    log.error('request failed', { ...context, error: (error as Error)?.message, name: (error as Error)?.name, stack: sourceMappedStack(error) });
  else log.warn('request refused', { ...context, status, reason: (error as Error)?.message });
  return jsonResponse(status, errorBody(error, status));
}

export interface HttpResult {
  readonly status: number;
  readonly body: unknown;
}

/** Runs a webhook's work and shapes its result or error as a response; never throws. */
export async function respond(
  log: () => Log,
  work: () => Promise<HttpResult>,
  context: Record<string, unknown> = {},
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const result = await work();
    return jsonResponse(result.status, result.body);
  } catch (error) {
    let logger: Log;
    try {
      logger = log();
    } catch {
      // The deps that hold the log failed to build: log through the container's logger directly.
      logger = powertoolsLog();
    }
    return errorResponse(error, logger, context);
  }
}
