/**
 * What the webhook stage writes about a response into its context, in Orca's shape
 * (`webhook.statusCode`, `statusCodeValue`, `body`, `headers`, `monitor`), with credentials
 * redacted and bodies capped so the stage item stays small. Pure.
 */
import type { HttpResponse } from '../../../core/http/client.js';
import { parseBody } from '../../../core/http/client.js';
import { redactHeaders } from '../../../core/http/redact.js';

/** Bodies larger than this (as JSON) are stored as truncated text. */
const MAX_STORED_BODY_CHARS = 16 * 1024;

export interface ResponseRecord {
  /** Spring's HttpStatus name, as Orca writes it: OK, CREATED, NOT_FOUND ... */
  readonly statusCode: string;
  readonly statusCodeValue: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

function statusName(status: number): string {
  // Not `import ... from 'node:http'`: Node builds an ES module view of http by reading every
  // export, and its lazy WebSocket/fetch exports then load undici (a quarter of this function's start).
  const { STATUS_CODES } = process.getBuiltinModule('node:http');
  return (STATUS_CODES[status] ?? String(status))
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

export function responseRecord(response: HttpResponse): ResponseRecord {
  const body = storedBody(parseBody(response.text));
  return {
    statusCode: statusName(response.status),
    statusCodeValue: response.status,
    headers: redactHeaders(response.headers),
    ...(body !== undefined ? { body } : {}),
  };
}

/** The body as stored: unchanged when small, else the start of its text with a marker. */
export function storedBody(body: unknown): unknown {
  if (body === undefined) return undefined;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (text.length <= MAX_STORED_BODY_CHARS) return body;
  return `${text.slice(0, MAX_STORED_BODY_CHARS)}… (truncated: ${text.length} characters)`;
}
