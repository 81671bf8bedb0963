/**
 * What a webhook response means, after Orca's CreateWebhookTask / MonitorWebhookTask: which HTTP
 * statuses fail fast, which are retried, where the status URL is, what a status response says.
 * Pure: responses in, decisions out.
 */
import type { HttpTransportError } from '../../../core/http/errors.js';
import { readJsonPath } from '../json-path.js';
import { DEFAULT_CALLBACK_STATUSES, IDEMPOTENT_METHODS, type ReportedOutcome, type WebhookConfig } from './config.js';

export type Setback = { readonly kind: 'retry'; readonly reason: string } | { readonly kind: 'fail'; readonly reason: string };
export type Verdict = { readonly kind: 'ok' } | Setback;

/** Orca retries 429 by default (webhook.default-retry-status-codes). */
const DEFAULT_RETRY_STATUS_CODES: readonly number[] = [429];

/** The answer to the webhook request itself. */
export function judgeCreateStatus(status: number, config: Pick<WebhookConfig, 'failFastStatusCodes' | 'retryStatusCodes'>): Verdict {
  if (config.failFastStatusCodes.includes(status)) return { kind: 'fail', reason: `received status code ${status}, which is configured to fail fast` };
  if (status >= 200 && status < 400) return { kind: 'ok' };
  return retryableStatus(status, config.retryStatusCodes)
    ? { kind: 'retry', reason: `received status code ${status}, will retry` }
    : { kind: 'fail', reason: `the webhook request failed with status code ${status}` };
}

/** The answer to a status poll. */
export function judgeMonitorStatus(status: number, config: Pick<WebhookConfig, 'retryStatusCodes'>): Verdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  return retryableStatus(status, config.retryStatusCodes)
    ? { kind: 'retry', reason: `status endpoint answered ${status}, will retry` }
    : { kind: 'fail', reason: `status endpoint answered ${status}` };
}

function retryableStatus(status: number, retryStatusCodes: readonly number[]): boolean {
  return status >= 500 || DEFAULT_RETRY_STATUS_CODES.includes(status) || retryStatusCodes.includes(status);
}

/**
 * No HTTP answer at all. Sending again is safe when the request surely never left (DNS, refused
 * connection) or the method is idempotent; a POST that timed out may have done its work already.
 */
export function judgeTransportError(error: HttpTransportError, method: string): Setback {
  if (error.notSent) return { kind: 'retry', reason: `${error.message}, will retry` };
  if (IDEMPOTENT_METHODS.has(method)) return { kind: 'retry', reason: `${error.message}, will retry (${method} is idempotent)` };
  return { kind: 'fail', reason: `${error.message}; not sending the ${method} again: it may have reached the server` };
}

/** Seconds before retry number `attempt` (1-based): 2, 4, 8 ... 60, or what Retry-After asks (at most 300). */
export function backoffSeconds(attempt: number, retryAfter?: string): number {
  const asked = retryAfter !== undefined ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(asked) && asked >= 0) return Math.min(300, Math.max(1, Math.ceil(asked)));
  return Math.min(60, 2 ** Math.max(1, attempt));
}

/**
 * How often a callback webhook looks for its callback: every 10 s for two minutes, every 30 s up to
 * ten, then every minute (a callback may take hours; each look costs a Lambda call and a few state
 * transitions).
 */
export function callbackPollSeconds(waitingForMs: number): number {
  if (waitingForMs < 2 * 60_000) return 10;
  return waitingForMs < 10 * 60_000 ? 30 : 60;
}

/** Like Orca's monitor: often during the first minute, every 15 s after. */
export function monitorIntervalSeconds(monitoringForMs: number): number {
  return monitoringForMs < 60_000 ? 5 : 15;
}

export interface ResponseView {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Where to poll for the status, by statusUrlResolution. */
export function resolveStatusUrl(
  config: Pick<WebhookConfig, 'statusUrlResolution' | 'statusUrlJsonPath' | 'url'>,
  response: ResponseView,
): { readonly url: string } | { readonly error: string } {
  let candidate: unknown;
  switch (config.statusUrlResolution) {
    case 'getMethod':
      candidate = config.url;
      break;
    case 'locationHeader':
      candidate = response.headers.location;
      if (!candidate) return { error: "the response has no Location header (statusUrlResolution 'locationHeader')" };
      break;
    case 'webhookResponse': {
      const read = readJsonPath(response.body, config.statusUrlJsonPath ?? '');
      if (!read.found) return { error: `statusUrlJsonPath '${config.statusUrlJsonPath}' is not in the response body` };
      candidate = read.value;
      break;
    }
  }
  if (typeof candidate !== 'string' || candidate.trim() === '')
    return { error: "the status URL couldn't be resolved, but 'Wait for completion' is configured" };
  try {
    // A relative Location is relative to the URL that answered.
    return { url: new URL(candidate.trim(), response.url).toString() };
  } catch {
    return { error: `the status URL ${JSON.stringify(candidate.slice(0, 200))} is not a URL` };
  }
}

export interface StatusReading {
  readonly outcome: 'RUNNING' | ReportedOutcome;
  /** The value found at statusJsonPath. */
  readonly status?: string | number | boolean;
  readonly progressMessage?: string;
  readonly percentComplete?: number;
  /** Why the reading is TERMINAL when the body did not say so itself. */
  readonly error?: string;
}

/**
 * Reads status and progress from a status response or a callback body. A number is a percentage
 * (100 = done); a text is looked up in the status lists, case-insensitively; anything else is
 * still running. In callback mode the status path defaults to `status`, and a body without one
 * counts as success unless status lists were configured.
 */
export function readStatus(body: unknown, config: Pick<WebhookConfig, 'mode' | 'statusJsonPath' | 'progressJsonPath' | 'statuses'>): StatusReading {
  const callback = config.mode === 'callback';
  const path = config.statusJsonPath ?? (callback ? 'status' : undefined);
  if (path === undefined) return { outcome: 'TERMINAL', error: 'statusJsonPath is not configured' };
  const progress = readProgress(body, config.progressJsonPath);
  const read = readJsonPath(body, path);
  if (!read.found) {
    if (callback && config.statuses === DEFAULT_CALLBACK_STATUSES) return { outcome: 'SUCCEEDED', ...progress };
    return { outcome: 'TERMINAL', error: `unable to parse status: JSON property '${path}' not found in response body`, ...progress };
  }
  const value = read.value;
  if (typeof value === 'number') {
    return { outcome: value === 100 ? 'SUCCEEDED' : 'RUNNING', status: value, percentComplete: value, ...progress };
  }
  if (typeof value !== 'string' && typeof value !== 'boolean') {
    return { outcome: 'TERMINAL', error: `the json path '${path}' did not resolve to a single value`, ...progress };
  }
  return { outcome: config.statuses.get(String(value).trim().toUpperCase()) ?? 'RUNNING', status: value, ...progress };
}

function readProgress(body: unknown, path: string | undefined): { progressMessage?: string; percentComplete?: number } {
  if (path === undefined) return {};
  const read = readJsonPath(body, path);
  if (!read.found) return {};
  if (typeof read.value === 'string' && read.value !== '') return { progressMessage: read.value };
  if (typeof read.value === 'number') return { percentComplete: read.value };
  return {};
}
