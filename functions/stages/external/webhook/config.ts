/**
 * The webhook stage's settings, read from Spinnaker's fields (see Orca's WebhookStage.StageData)
 * after expressions were evaluated. Pure: `parseWebhookConfig` collects every problem with the
 * field it concerns (the checks before expressions run are in state-machines/stage-types/external.ts).
 */
import { hasSecretReference } from '../../../../state-machines/model/secret-references.js';
import { JsonPathSyntaxError } from '../errors.js';
import { compileJsonPath } from '../json-path.js';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];
/** Methods that may be sent twice without doing the work twice. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

const STATUS_URL_RESOLUTIONS = ['getMethod', 'locationHeader', 'webhookResponse', 'callback'] as const;
type StatusUrlResolution = (typeof STATUS_URL_RESOLUTIONS)[number];

/** What a reported status means. Later lists win when a status is in two (as in Orca: terminal over canceled over success). */
export type ReportedOutcome = 'SUCCEEDED' | 'CANCELED' | 'TERMINAL';

/**
 * Written into string payloads in callback mode, then replaced by the callback URL (which carries
 * a one-off token). It is also always sent as the X-Gennaker-Callback-Url header.
 */
export const CALLBACK_URL_PLACEHOLDER = '{{callbackUrl}}';
export const CALLBACK_URL_HEADER = 'X-Gennaker-Callback-Url';

interface CancelRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly body?: string;
}

export interface WebhookConfig {
  /** Absent only with monitorOnly. */
  readonly url?: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly failFastStatusCodes: readonly number[];
  readonly retryStatusCodes: readonly number[];
  /** fireAndForget: done when the request succeeds; poll: watch a status URL; callback: wait for the called system to call back. */
  readonly mode: 'fireAndForget' | 'poll' | 'callback';
  readonly statusUrlResolution: Exclude<StatusUrlResolution, 'callback'>;
  readonly statusUrlJsonPath?: string;
  readonly statusJsonPath?: string;
  readonly progressJsonPath?: string;
  /** Upper-cased status → outcome. */
  readonly statuses: ReadonlyMap<string, ReportedOutcome>;
  readonly waitBeforeMonitorSeconds: number;
  readonly monitorOnly: boolean;
  readonly statusEndpoint?: string;
  readonly cancel?: CancelRequest;
}

/** In callback mode, when no status list is configured, these apply. */
export const DEFAULT_CALLBACK_STATUSES: ReadonlyMap<string, ReportedOutcome> = new Map([
  ['SUCCEEDED', 'SUCCEEDED'],
  ['SUCCESS', 'SUCCEEDED'],
  ['CANCELED', 'CANCELED'],
  ['CANCELLED', 'CANCELED'],
  ['TERMINAL', 'TERMINAL'],
  ['FAILED', 'TERMINAL'],
  ['FAILURE', 'TERMINAL'],
  ['ERROR', 'TERMINAL'],
]);

/** Fields that may hold secret references, resolved in the function just before the call (stage.ts). */
export const WEBHOOK_SECRET_FIELDS = ['url', 'customHeaders', 'payload', 'statusEndpoint', 'cancelEndpoint', 'cancelPayload'] as const;

export type Parsed<T> = { readonly value: T; readonly problems: readonly [] } | { readonly value?: undefined; readonly problems: readonly string[] };

export function parseWebhookConfig(raw: Readonly<Record<string, unknown>>): Parsed<WebhookConfig> {
  const problems: string[] = [];
  const method = readMethod(raw.method, 'method', problems) ?? 'POST';
  const monitorOnly = readBoolean(raw.monitorOnly, 'monitorOnly', problems) ?? false;
  const wait = readBoolean(raw.waitForCompletion, 'waitForCompletion', problems) ?? false;
  const callbackFlag = readBoolean(raw.callback, 'callback', problems) ?? false;
  const resolution = raw.statusUrlResolution ?? 'getMethod';
  if (!(STATUS_URL_RESOLUTIONS as readonly unknown[]).includes(resolution)) {
    problems.push(`statusUrlResolution: must be one of ${STATUS_URL_RESOLUTIONS.join(', ')}, got ${JSON.stringify(resolution)}`);
  }
  const callback = callbackFlag || resolution === 'callback';
  const mode = callback ? 'callback' : wait || monitorOnly ? 'poll' : 'fireAndForget';
  if (callback && raw.waitForCompletion === false) problems.push('waitForCompletion: a callback webhook always waits for its callback');
  if (monitorOnly && callback) problems.push('monitorOnly: cannot be combined with a callback');
  if (monitorOnly && raw.waitForCompletion === false) problems.push('monitorOnly: needs waitForCompletion (there is nothing else to do)');

  const url = readString(raw.url, 'url', problems);
  if (!monitorOnly && url === undefined && raw.url === undefined) problems.push('url: required');
  if (url !== undefined) checkHttpUrl(url, 'url', problems);
  const statusEndpoint = readString(raw.statusEndpoint, 'statusEndpoint', problems);
  if (monitorOnly && statusEndpoint === undefined && url === undefined) problems.push('statusEndpoint: required with monitorOnly');
  if (statusEndpoint !== undefined) checkHttpUrl(statusEndpoint, 'statusEndpoint', problems);

  const statusUrlJsonPath = readPath(raw.statusUrlJsonPath, 'statusUrlJsonPath', problems);
  const statusJsonPath = readPath(raw.statusJsonPath, 'statusJsonPath', problems);
  const progressJsonPath = readPath(raw.progressJsonPath, 'progressJsonPath', problems);
  if (mode === 'poll' && statusJsonPath === undefined && raw.statusJsonPath === undefined) {
    problems.push('statusJsonPath: required when waiting for completion (where the status is in the status response)');
  }
  if (mode === 'poll' && resolution === 'webhookResponse' && !monitorOnly && raw.statusUrlJsonPath === undefined) {
    problems.push("statusUrlJsonPath: required with statusUrlResolution 'webhookResponse'");
  }

  const statuses = new Map<string, ReportedOutcome>();
  // Orca's order: success, then canceled, then terminal, each overriding the one before.
  for (const [field, outcome] of [
    ['successStatuses', 'SUCCEEDED'],
    ['canceledStatuses', 'CANCELED'],
    ['terminalStatuses', 'TERMINAL'],
  ] as const) {
    for (const status of readStatusList(raw[field], field, problems)) statuses.set(status.toUpperCase(), outcome);
  }

  const cancelUrl = readString(raw.cancelEndpoint, 'cancelEndpoint', problems);
  if (cancelUrl !== undefined) checkHttpUrl(cancelUrl, 'cancelEndpoint', problems);
  const cancelMethod = readMethod(raw.cancelMethod, 'cancelMethod', problems) ?? 'POST';
  const cancelBody = payloadText(raw.cancelPayload);
  const signal = raw.signalCancellation !== false;

  const waitBefore = raw.waitBeforeMonitor ?? 0;
  const waitBeforeMonitorSeconds = typeof waitBefore === 'string' ? Number(waitBefore) : waitBefore;
  if (typeof waitBeforeMonitorSeconds !== 'number' || !Number.isFinite(waitBeforeMonitorSeconds) || waitBeforeMonitorSeconds < 0) {
    problems.push(`waitBeforeMonitor: must be a number of seconds >= 0, got ${JSON.stringify(waitBefore)}`);
  }

  const headers = readHeaders(raw.customHeaders, problems);
  const body = payloadText(raw.payload);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') && typeof raw.payload !== 'string') {
    headers['Content-Type'] = 'application/json';
  }

  const failFastStatusCodes = readCodes(raw.failFastStatusCodes, 'failFastStatusCodes', problems);
  const retryStatusCodes = readCodes(raw.retryStatusCodes, 'retryStatusCodes', problems);

  if (problems.length > 0) return { problems };
  return {
    value: {
      ...(url !== undefined ? { url } : {}),
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      failFastStatusCodes,
      retryStatusCodes,
      mode,
      statusUrlResolution: resolution === 'callback' ? 'getMethod' : (resolution as WebhookConfig['statusUrlResolution']),
      ...(statusUrlJsonPath !== undefined ? { statusUrlJsonPath } : {}),
      ...(statusJsonPath !== undefined ? { statusJsonPath } : {}),
      ...(progressJsonPath !== undefined ? { progressJsonPath } : {}),
      statuses: mode === 'callback' && statuses.size === 0 ? DEFAULT_CALLBACK_STATUSES : statuses,
      waitBeforeMonitorSeconds: waitBeforeMonitorSeconds as number,
      monitorOnly,
      ...(statusEndpoint !== undefined ? { statusEndpoint } : {}),
      ...(cancelUrl !== undefined && signal
        ? { cancel: { url: cancelUrl, method: cancelMethod, ...(cancelBody !== undefined ? { body: cancelBody } : {}) } }
        : {}),
    },
    problems: [],
  };
}

function readString(value: unknown, field: string, problems: string[]): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push(`${field}: must be a string`);
    return undefined;
  }
  return value.trim();
}

function readBoolean(value: unknown, field: string, problems: string[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  problems.push(`${field}: must be true or false, got ${JSON.stringify(value)}`);
  return undefined;
}

function readMethod(value: unknown, field: string, problems: string[]): HttpMethod | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (!(HTTP_METHODS as readonly unknown[]).includes(upper)) {
    problems.push(`${field}: must be one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return upper as HttpMethod;
}

function readPath(value: unknown, field: string, problems: string[]): string | undefined {
  const path = readString(value, field, problems);
  if (path === undefined) return undefined;
  try {
    compileJsonPath(path);
  } catch (error) {
    if (!(error instanceof JsonPathSyntaxError)) throw error;
    problems.push(`${field}: ${error.message}`);
  }
  return path;
}

function readStatusList(value: unknown, field: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items || !items.every((i) => typeof i === 'string' || typeof i === 'number' || typeof i === 'boolean')) {
    problems.push(`${field}: must be a comma-separated string or a list of strings`);
    return [];
  }
  return items.map((i) => String(i).trim()).filter((i) => i !== '');
}

function readCodes(value: unknown, field: string, problems: string[]): number[] {
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? (value as unknown[]) : [value];
  const codes = items.map((i) => (typeof i === 'string' ? Number(i.trim()) : i));
  if (!codes.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 100 && c <= 599)) {
    problems.push(`${field}: must be a list of HTTP status codes (100-599), got ${JSON.stringify(value)}`);
    return [];
  }
  return codes as number[];
}

function readHeaders(value: unknown, problems: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  let source: unknown = value;
  // Deck stores customHeaders as an object; PaCRD and hand-written pipelines sometimes as JSON text.
  if (typeof source === 'string') {
    try {
      source = JSON.parse(source) as unknown;
    } catch {
      problems.push('customHeaders: must be an object of header names to values');
      return {};
    }
  }
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    problems.push('customHeaders: must be an object of header names to values');
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(source)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      problems.push(`customHeaders.${name}: not a valid header name`);
      continue;
    }
    const text = Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (text === undefined || /[\r\n]/.test(text)) problems.push(`customHeaders.${name}: must be a single-line text value`);
    else headers[name] = text;
  }
  return headers;
}

function payloadText(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

function checkHttpUrl(url: string, field: string, problems: string[]): void {
  // A reference is checked once resolved (it names a secret that holds the URL, or part of it).
  if (hasSecretReference(url)) return;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push(`${field}: must be an http or https URL`);
  } catch {
    problems.push(`${field}: not a valid URL`);
  }
}
