/**
 * Delivery of a webhook callback: the API that receives `POST <callback base>/<executionId>/<refId>
 * ?token=...` calls deliverWebhookCallback, which checks the token against the hashes the stage
 * saved and writes the body into the stage context with a conditional write. The stage (a `poll`
 * stage) finds it on its next call and decides. Several callbacks may arrive (progress first, the
 * final status last); each gets the next sequence number.
 *
 * Every token that cannot be used (missing, malformed, unknown, of another execution or stage, or
 * of a stage that no longer waits) gets the same answer, 403 with one message: the route is open to
 * the internet, and distinct answers would tell a caller which execution ids and stages exist.
 */
import { timingSafeEqual } from 'node:crypto';
import { ExecutionNotFoundError } from '../../../core/errors.js';
import { ExecutionStore, retryOnConflict } from '../../../core/execution-store.js';
import { systemClock, type Clock } from '../../../core/stage-api.js';
import { WebhookCallbackError } from '../errors.js';
import { hashCallbackToken, WEBHOOK, WEBHOOK_CALLBACK_KEY, WEBHOOK_STATE, type DeliveredCallback } from './stage.js';

const MAX_CALLBACK_BODY_CHARS = 64 * 1024;

export interface CallbackOptions {
  /** The token from the callback URL. */
  readonly token: string;
  readonly store?: ExecutionStore;
  readonly clock?: Clock;
}

/** The one answer for every token that cannot be used. */
export const INVALID_CALLBACK_TOKEN = 'the callback token is not valid for this URL';

export function invalidCallbackToken(detail: string): WebhookCallbackError {
  return new WebhookCallbackError(INVALID_CALLBACK_TOKEN, 'forbidden', detail);
}

/** Records a callback for a waiting webhook stage; throws WebhookCallbackError when it cannot be accepted. */
export async function deliverWebhookCallback(
  executionId: string,
  refId: string,
  body: unknown,
  options: CallbackOptions,
): Promise<{ readonly sequence: number }> {
  if (!options.token) throw invalidCallbackToken('no token');
  const size = typeof body === 'string' ? body.length : JSON.stringify(body ?? null).length;
  if (size > MAX_CALLBACK_BODY_CHARS)
    throw new WebhookCallbackError(`callback body is ${size} characters; at most ${MAX_CALLBACK_BODY_CHARS} are accepted`, 'too-large');
  const store = options.store ?? new ExecutionStore();
  const clock = options.clock ?? systemClock;
  // The stage polled (or another callback landed) between our read and write: read again, a few
  // more times than the default since the stage writes on every poll.
  return retryOnConflict(() => deliverOnce(store, clock, executionId, refId, body, options.token), 5);
}

async function deliverOnce(
  store: ExecutionStore,
  clock: Clock,
  executionId: string,
  refId: string,
  body: unknown,
  token: string,
): Promise<{ sequence: number }> {
  let execution;
  try {
    execution = await store.load(executionId);
  } catch (error) {
    if (error instanceof ExecutionNotFoundError) throw invalidCallbackToken('no such execution');
    throw error;
  }
  const stage = execution.stages.find((s) => s.refId === refId);
  if (!stage || stage.type !== 'webhook') throw invalidCallbackToken('no such webhook stage');
  const state = WEBHOOK_STATE.of(stage.context);
  const hashes = state?.callbackTokenHashes ?? [];
  if (hashes.length === 0) throw invalidCallbackToken('the stage does not wait for a callback');
  if (!hashes.some((h) => sameHash(h, hashCallbackToken(token)))) throw invalidCallbackToken('the token does not match');
  if (stage.status !== 'RUNNING') throw invalidCallbackToken(`the stage is ${stage.status}, no longer waiting`);

  const previous = WEBHOOK.of(stage.context)[WEBHOOK_CALLBACK_KEY];
  const callback: DeliveredCallback = { sequence: (previous?.sequence ?? 0) + 1, receivedAt: clock.now(), body: body ?? null };
  const { version: _version, ...rest } = stage;
  await store.putStage(executionId, { ...rest, context: { ...stage.context, ...WEBHOOK.save({ [WEBHOOK_CALLBACK_KEY]: callback }) } }, stage);
  return { sequence: callback.sequence };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
