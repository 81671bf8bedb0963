/**
 * `webhook`: calls an HTTP endpoint and, when asked, waits for the work it started: by polling a
 * status URL (waitForCompletion + statusUrlResolution getMethod / locationHeader /
 * webhookResponse) or by waiting for the called system to call back (statusUrlResolution
 * 'callback', or callback: true). Returns RUNNING to wait; never sleeps.
 *
 * Phases, kept in `webhookState`: request → (monitor | callback) → done. Before the request goes
 * out the stage checkpoints `requestInFlight`; a call that finds it still set knows an earlier call
 * died after possibly sending, and sends again only if the method is idempotent.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type SavedContext,
  StageConfigError,
  type StageImplementation,
  type StageRunContext,
  type TaskResult,
  stageFields,
  stageState,
} from '../../../core/stage-api.js';
import { HttpTransportError, ResponseTooLargeError, UnsafeUrlError } from '../../../core/http/errors.js';
import type { HttpResponse, HttpSender } from '../../../core/http/client.js';
import { parseBody } from '../../../core/http/client.js';
import { isSensitiveName, urlOrigin } from '../../../core/http/redact.js';
import { SecretScope, type SecretFetcher } from '../../../core/secrets/scope.js';
import { CALLBACK_URL_HEADER, CALLBACK_URL_PLACEHOLDER, IDEMPOTENT_METHODS, parseWebhookConfig, WEBHOOK_SECRET_FIELDS, type WebhookConfig } from './config.js';
import {
  backoffSeconds,
  callbackPollSeconds,
  judgeCreateStatus,
  judgeMonitorStatus,
  judgeTransportError,
  monitorIntervalSeconds,
  readStatus,
  resolveStatusUrl,
  type StatusReading,
} from './outcome.js';
import { responseRecord, storedBody, type ResponseRecord } from './record.js';

const CALLBACK_URL_ENV = 'GENNAKER_WEBHOOK_CALLBACK_URL';
/** Retries of 5xx / 429 / connection failures before the stage gives up (retryStatusCodes retry until the stage times out). */
const MAX_IMPLICIT_RETRIES = 10;

export interface WebhookDeps {
  readonly http: HttpSender;
  /** Base URL callbacks are delivered to (`<base>/<executionId>/<refId>?token=...`). @default GENNAKER_WEBHOOK_CALLBACK_URL */
  readonly callbackBaseUrl?: string;
  /** @default 32 random bytes, base64url */
  readonly token?: () => string;
  /** Where secret references in the config are read. @default none: a reference fails the stage */
  readonly secrets?: SecretFetcher;
}

type Phase = 'request' | 'monitor' | 'callback';

/** The stage's own bookkeeping in its context. */
export interface WebhookState {
  readonly phase: Phase;
  readonly requestInFlight?: boolean;
  /** Requests sent so far. */
  readonly attempts: number;
  /** Consecutive failed requests or polls that were retried. */
  readonly failures: number;
  readonly monitorStartedAt?: number;
  /** When the stage began to wait for its callback. */
  readonly callbackSince?: number;
  /** SHA-256 of the tokens in the callback URLs sent (never the tokens). */
  readonly callbackTokenHashes?: readonly string[];
  /** Sequence of the last callback read. */
  readonly lastCallback?: number;
}

/** A callback as deliverWebhookCallback writes it into the stage context. */
export interface DeliveredCallback {
  readonly sequence: number;
  readonly receivedAt: number;
  readonly body: unknown;
}

export const WEBHOOK_STATE_KEY = 'webhookState';
/** This stage type's state in its record (stage-api.ts stageState): the one place its type is declared. */
export const WEBHOOK_STATE = stageState<WebhookState>(WEBHOOK_STATE_KEY);
export const WEBHOOK_CALLBACK_KEY = 'webhookCallback';

/** The response record in the context (Orca's shape), with what monitoring and callbacks add. */
type WebhookRecord = Partial<ResponseRecord> & {
  readonly statusEndpoint?: string;
  readonly monitor?: Readonly<Record<string, unknown>>;
  readonly callback?: Readonly<Record<string, unknown>>;
  readonly error?: string;
};

/** What the stage (and the callback receiver, callback.ts) keep in its context beside its state. */
interface WebhookFields {
  readonly webhook: WebhookRecord;
  readonly statusEndpoint: string;
  /** The last callback received, written by callback.ts. */
  readonly [WEBHOOK_CALLBACK_KEY]: DeliveredCallback;
}
export const WEBHOOK = stageFields<WebhookFields>();

export function hashCallbackToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function webhookStage(deps: WebhookDeps): StageImplementation {
  return {
    type: 'webhook',
    validate: (config) => [...parseWebhookConfig(config).problems],
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    async run(ctx) {
      const parsed = parseWebhookConfig(await withSecrets(ctx.stage.config, ctx.secrets));
      if (!parsed.value) throw new StageConfigError(parsed.problems.join('; '));
      const config = parsed.value;
      const state = readState(ctx.state, config);
      switch (state.phase) {
        case 'request':
          return sendRequest(ctx, config, state, deps);
        case 'monitor':
          return monitor(ctx, config, state, deps);
        case 'callback':
          return awaitCallback(ctx, config, state);
      }
    },
  };
}

/**
 * The config with the secret references of its request fields resolved, for this call only (never
 * written back). Outside the engine (no scope) a reference fails the stage.
 */
export async function withSecrets(config: Readonly<Record<string, unknown>>, secrets: SecretScope = new SecretScope()): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = { ...config };
  for (const field of WEBHOOK_SECRET_FIELDS) {
    if (config[field] !== undefined) resolved[field] = await secrets.resolve(config[field], field);
  }
  return resolved;
}

function readState(saved: SavedContext, config: WebhookConfig): WebhookState {
  const state = WEBHOOK_STATE.of(saved);
  if (state) return state;
  return config.monitorOnly ? { phase: 'monitor', attempts: 0, failures: 0 } : { phase: 'request', attempts: 0, failures: 0 };
}

async function sendRequest(ctx: StageRunContext, config: WebhookConfig, state: WebhookState, deps: WebhookDeps): Promise<TaskResult> {
  const url = config.url!;
  if (state.requestInFlight) {
    // An earlier call may have sent the request and died before recording the answer.
    if (config.mode === 'callback' && delivered(ctx.state)) {
      return awaitCallback(ctx, config, { ...state, phase: 'callback', requestInFlight: false });
    }
    if (!IDEMPOTENT_METHODS.has(config.method)) {
      return failed(
        `an earlier attempt to ${config.method} ${urlOrigin(url)} ended without recording its answer; not sending it again, the request may have reached the server`,
        state,
      );
    }
  }

  let headers: Record<string, string> = { ...config.headers };
  let body = config.body;
  let callbackTokenHashes = state.callbackTokenHashes ?? [];
  if (config.mode === 'callback') {
    const base = deps.callbackBaseUrl ?? process.env[CALLBACK_URL_ENV];
    if (!base) throw new StageConfigError(`a callback webhook needs the callback base URL (${CALLBACK_URL_ENV})`);
    const token = (deps.token ?? (() => randomBytes(32).toString('base64url')))();
    const callbackUrl = `${base.replace(/\/+$/, '')}/${encodeURIComponent(ctx.executionId)}/${encodeURIComponent(ctx.stage.refId)}?token=${encodeURIComponent(token)}`;
    headers = { ...headers, [CALLBACK_URL_HEADER]: callbackUrl };
    body = body?.split(CALLBACK_URL_PLACEHOLDER).join(callbackUrl);
    // Every URL sent stays valid: a retried request may race a callback to an earlier one.
    callbackTokenHashes = [...callbackTokenHashes, hashCallbackToken(token)].slice(-5);
  }
  const attempts = state.attempts + 1;
  const sending: WebhookState = { ...state, requestInFlight: true, attempts, callbackTokenHashes };
  await ctx.checkpoint(WEBHOOK_STATE.save(sending));
  const sent: WebhookState = { ...sending, requestInFlight: false };

  let response: HttpResponse;
  try {
    response = await deps.http({ method: config.method, url, headers, ...(body !== undefined ? { body } : {}) });
  } catch (error) {
    if (error instanceof HttpTransportError) {
      const verdict = judgeTransportError(error, config.method);
      return verdict.kind === 'retry' ? retry(verdict.reason, sent, undefined, false) : failed(verdict.reason, sent);
    }
    if (error instanceof UnsafeUrlError || error instanceof ResponseTooLargeError) return failed(error.message, sent);
    throw error;
  }

  const record = responseRecord(response);
  const verdict = judgeCreateStatus(response.status, config);
  if (verdict.kind === 'fail') return failed(verdict.reason, sent, record);
  if (verdict.kind === 'retry') {
    return retry(verdict.reason, sent, record, config.retryStatusCodes.includes(response.status), response.headers['retry-after']);
  }

  const done: WebhookState = { ...sent, failures: 0 };
  if (config.mode === 'fireAndForget')
    return { status: 'SUCCEEDED', context: { ...WEBHOOK_STATE.save(done), ...WEBHOOK.save({ webhook: record }) }, outputs: summary(record) };
  if (config.mode === 'callback') {
    return {
      status: 'RUNNING',
      waitSeconds: callbackPollSeconds(0),
      context: { ...WEBHOOK_STATE.save({ ...done, phase: 'callback', callbackSince: ctx.clock.now() }), ...WEBHOOK.save({ webhook: record }) },
      outputs: summary(record),
    };
  }
  const resolved = resolveStatusUrl(config, { url: response.url, headers: response.headers, body: parseBody(response.text) });
  if ('error' in resolved) return failed(resolved.error, done, record);
  const waitSeconds = Math.max(1, config.waitBeforeMonitorSeconds);
  const webhook = { ...record, statusEndpoint: resolved.url };
  return {
    status: 'RUNNING',
    waitSeconds,
    context: {
      ...WEBHOOK_STATE.save({ ...done, phase: 'monitor', monitorStartedAt: ctx.clock.now() + waitSeconds * 1000 }),
      ...WEBHOOK.save({ webhook, statusEndpoint: resolved.url }),
    },
    outputs: summary(webhook),
  };
}

async function monitor(ctx: StageRunContext, config: WebhookConfig, state: WebhookState, deps: WebhookDeps): Promise<TaskResult> {
  const saved = WEBHOOK.of(ctx.state);
  const endpoint = saved.statusEndpoint ?? config.statusEndpoint ?? config.url!;
  const previous = saved.webhook ?? {};
  const now = ctx.clock.now();
  const startedAt = state.monitorStartedAt ?? now;
  const current: WebhookState = { ...state, phase: 'monitor', monitorStartedAt: startedAt };
  let response: HttpResponse;
  try {
    response = await deps.http({ method: 'GET', url: endpoint, headers: monitorHeaders(config, endpoint) });
  } catch (error) {
    if (error instanceof HttpTransportError) {
      const verdict = judgeTransportError(error, 'GET');
      return verdict.kind === 'retry' ? retry(verdict.reason, current, previous, false) : failed(verdict.reason, current, previous);
    }
    if (error instanceof UnsafeUrlError || error instanceof ResponseTooLargeError) {
      return failed(error.message, current, { ...previous, monitor: { error: error.message } });
    }
    throw error;
  }
  const record = responseRecord(response);
  const verdict = judgeMonitorStatus(response.status, config);
  if (verdict.kind !== 'ok') {
    const webhook = { ...previous, monitor: { ...monitorRecord(record), error: verdict.reason } };
    return verdict.kind === 'retry'
      ? retry(verdict.reason, current, webhook, config.retryStatusCodes.includes(response.status), response.headers['retry-after'])
      : failed(`an error occurred in the webhook monitor to ${urlOrigin(endpoint)}: ${verdict.reason}`, current, webhook);
  }
  const reading = readStatus(parseBody(response.text), config);
  const webhook = { ...previous, monitor: { ...monitorRecord(record), ...readingFields(reading) } };
  const next: WebhookState = { ...current, failures: 0 };
  return finishReading(reading, next, webhook, monitorIntervalSeconds(now - startedAt));
}

function awaitCallback(ctx: StageRunContext, config: WebhookConfig, state: WebhookState): TaskResult {
  const callback = delivered(ctx.state);
  const previous = WEBHOOK.of(ctx.state).webhook ?? {};
  const now = ctx.clock.now();
  const since = state.callbackSince ?? now;
  const waitSeconds = callbackPollSeconds(now - since);
  if (!callback || callback.sequence <= (state.lastCallback ?? 0)) {
    return { status: 'RUNNING', waitSeconds, context: WEBHOOK_STATE.save({ ...state, callbackSince: since }) };
  }
  const reading = readStatus(callback.body, config);
  const body = storedBody(callback.body);
  const webhook = {
    ...previous,
    callback: { receivedAt: callback.receivedAt, sequence: callback.sequence, ...(body !== undefined ? { body } : {}), ...readingFields(reading) },
  };
  return finishReading(reading, { ...state, callbackSince: since, lastCallback: callback.sequence }, webhook, waitSeconds);
}

function finishReading(reading: StatusReading, state: WebhookState, webhook: WebhookRecord, waitSeconds: number): TaskResult {
  const context = { ...WEBHOOK_STATE.save(state), ...WEBHOOK.save({ webhook }) };
  const outputs = summary(webhook);
  switch (reading.outcome) {
    case 'RUNNING':
      return { status: 'RUNNING', waitSeconds, context, outputs };
    case 'SUCCEEDED':
      return { status: 'SUCCEEDED', context, outputs };
    case 'CANCELED':
      return { status: 'CANCELED', reason: `the webhook reported ${JSON.stringify(reading.status)}, one of its canceled statuses`, context, outputs };
    case 'TERMINAL':
      return {
        status: 'FAILED',
        error: reading.error ?? `the webhook reported ${JSON.stringify(reading.status)}, one of its terminal statuses`,
        context,
        outputs,
      };
  }
}

/** A retry, unless this kind of failure happened too often in a row. */
function retry(reason: string, state: WebhookState, webhook: WebhookRecord | undefined, unlimited: boolean, retryAfter?: string): TaskResult {
  const failures = state.failures + 1;
  const next = { ...state, failures };
  if (!unlimited && failures > MAX_IMPLICIT_RETRIES)
    return failed(`${reason.replace(/, will retry.*$/, '')} (gave up after ${MAX_IMPLICIT_RETRIES} retries)`, next, webhook);
  return {
    status: 'RUNNING',
    waitSeconds: backoffSeconds(failures, retryAfter),
    context: { ...WEBHOOK_STATE.save(next), ...WEBHOOK.save(webhook ? { webhook: { ...webhook, error: reason } } : {}) },
  };
}

function failed(error: string, state: WebhookState, webhook?: WebhookRecord): TaskResult {
  return {
    status: 'FAILED',
    error,
    context: { ...WEBHOOK_STATE.save({ ...state, requestInFlight: false }), ...WEBHOOK.save(webhook ? { webhook: { ...webhook, error } } : {}) },
    ...(webhook ? { outputs: summary(webhook) } : {}),
  };
}

function delivered(saved: SavedContext): DeliveredCallback | undefined {
  const callback = WEBHOOK.of(saved)[WEBHOOK_CALLBACK_KEY];
  return callback && typeof callback.sequence === 'number' ? callback : undefined;
}

/** Custom headers go to the status endpoint too (as in Orca), but credentials only on the webhook's own origin. */
function monitorHeaders(config: WebhookConfig, endpoint: string): Record<string, string> {
  const origin = (u: string | undefined) => {
    try {
      return u ? new URL(u).origin : undefined;
    } catch {
      return undefined;
    }
  };
  const sameOrigin = config.monitorOnly || origin(config.url) === origin(endpoint);
  return Object.fromEntries(Object.entries(config.headers).filter(([name]) => name.toLowerCase() !== 'content-type' && (sameOrigin || !isSensitiveName(name))));
}

function monitorRecord(record: ResponseRecord): Record<string, unknown> {
  return { statusCode: record.statusCode, statusCodeValue: record.statusCodeValue, ...(record.body !== undefined ? { body: record.body } : {}) };
}

function readingFields(reading: StatusReading): Record<string, unknown> {
  return {
    ...(reading.status !== undefined ? { status: reading.status } : {}),
    ...(reading.progressMessage !== undefined ? { progressMessage: reading.progressMessage } : {}),
    ...(reading.percentComplete !== undefined ? { percentComplete: reading.percentComplete } : {}),
    ...(reading.error !== undefined ? { error: reading.error } : {}),
  };
}

/** The small part of the record that goes into outputs (the full one is in the context). */
function summary(w: WebhookRecord): Record<string, unknown> {
  const latest = w.callback ?? w.monitor ?? {};
  const pick = (source: Readonly<Record<string, unknown>>, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
  return {
    webhook: {
      ...pick(w, ['statusCode', 'statusCodeValue', 'statusEndpoint']),
      ...pick(latest, ['status', 'progressMessage', 'percentComplete']),
    },
  };
}
