/**
 * Live data without a server push: a GET repeated every few seconds (conditional, see api.ts).
 * While the tab is hidden the interval doubles at each poll up to five minutes, and a tab shown
 * again polls at once; after an error it backs off the same way. Nobody looking costs (almost)
 * nothing: no open connection, one request every few minutes at most.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from './api.js';

export const HIDDEN_MAX_MS = 5 * 60_000;
export const ERROR_MAX_MS = 30_000;

/** The delay before the next poll. Pure, for the tests. */
export function nextDelay(base: number, previous: number, hidden: boolean, failed: boolean): number {
  if (hidden) return Math.min(Math.max(previous, base) * 2, HIDDEN_MAX_MS);
  if (failed) return Math.min(Math.max(previous, base) * 2, ERROR_MAX_MS);
  return base;
}

export interface Polled<T> {
  readonly data?: T;
  readonly error?: ApiError;
  /** Fetch now (after an action), whatever the schedule. */
  readonly refresh: () => void;
}

/** Polls `path` every `intervalMs` (null: nothing to fetch). Stops when `done(data)` says the data cannot change. */
export function usePoll<T>(path: string | null, intervalMs = 2000, done?: (data: T) => boolean): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; path: string | null }>({ path });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const tick = useRef<() => void>(() => undefined);
  const doneRef = useRef(done);
  doneRef.current = done;

  useEffect(() => {
    if (!path) return;
    let delay = intervalMs;
    let stopped = false;
    setState((s) => (s.path === path ? s : { path }));
    const run = async () => {
      clearTimeout(timer.current);
      let failed = false;
      let finished = false;
      try {
        const { data, changed } = await get<T>(path);
        if (stopped) return;
        // A 304 keeps the page as it is, unless this view has nothing yet (another view fetched it).
        setState((s) => (changed || s.data === undefined || s.error ? { data, path } : s));
        finished = doneRef.current?.(data) ?? false;
      } catch (error) {
        if (stopped) return;
        failed = true;
        const e = error instanceof ApiError ? error : new ApiError((error as Error).message, 0, 'Error');
        setState((s) => ({ ...s, error: e }));
        // Refusals do not go away by asking again (a 404 may: a run just started has no record yet).
        if (e.status === 403 || e.status === 401) finished = true;
      }
      if (stopped || finished) return;
      delay = nextDelay(intervalMs, delay, document.hidden, failed);
      timer.current = setTimeout(() => void run(), delay);
    };
    tick.current = () => void run();
    const onVisible = () => {
      if (!document.hidden) {
        delay = intervalMs;
        void run();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [path, intervalMs]);

  const refresh = useCallback(() => tick.current(), []);
  return { ...(state.path === path ? { data: state.data, error: state.error } : {}), refresh };
}
