/** Waiting without sleeping: backoff for polls, and delays that survive re-runs. Pure. */

const FIRST_POLL_SECONDS = 5;
const MAX_POLL_SECONDS = 60;

export function backoffSeconds(polls: number, first = FIRST_POLL_SECONDS, max = MAX_POLL_SECONDS): number {
  return Math.min(max, first * 2 ** Math.max(0, polls));
}

export interface WaitFields {
  /** When the current wait started (ms, the stage clock). */
  readonly waitSince?: number;
  readonly polls?: number;
  /** When a fixed delay ends (ms). */
  readonly waitUntil?: number;
}

/** A fixed delay: the first call sets its end, later calls wait out the rest. */
export function delay<S extends WaitFields>(state: S, now: number, seconds: number): { done: true } | { done: false; state: S; waitSeconds: number } {
  const until = state.waitUntil ?? now + seconds * 1000;
  if (now >= until) return { done: true };
  return { done: false, state: { ...state, waitUntil: until }, waitSeconds: Math.ceil((until - now) / 1000) };
}

/** The next poll of a condition that is not met yet: how long to wait, and whether time is up. */
export function poll<S extends WaitFields>(
  state: S,
  now: number,
  timeoutSeconds: number,
): { timedOut: true; waitedSeconds: number } | { timedOut: false; state: S; waitSeconds: number } {
  const since = state.waitSince ?? now;
  const polls = state.polls ?? 0;
  const waited = (now - since) / 1000;
  if (waited >= timeoutSeconds) return { timedOut: true, waitedSeconds: Math.round(waited) };
  const waitSeconds = Math.max(1, Math.min(backoffSeconds(polls), Math.ceil(timeoutSeconds - waited)));
  return { timedOut: false, state: { ...state, waitSince: since, polls: polls + 1 }, waitSeconds };
}

/** A state with the wait fields cleared, for the next step. */
export function clearWait<S extends WaitFields>(state: S): S {
  const { waitSince: _s, polls: _p, waitUntil: _u, ...rest } = state;
  return rest as S;
}

/**
 * A stage's own time limit: `field` of its config in seconds, or the default. Stages that roll back
 * or clean up end themselves by these limits; the engine's stageTimeoutMs is a hard stop that
 * leaves no room for either, so these should stay below it.
 */
export function timeoutSeconds(config: Readonly<Record<string, unknown>>, field: string, fallback: number): number {
  const raw = config[field];
  const value = typeof raw === 'string' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** How long a stage waits for instances to come up, unless its config says otherwise. */
export const UP_TIMEOUT_FIELD = 'waitForUpTimeoutSeconds';
export const DEFAULT_UP_TIMEOUT_SECONDS = 30 * 60;
